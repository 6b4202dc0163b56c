// graphkit pages: record text is only ever set as textContent, links only to http(s) or our pages.
"use strict";
var graphkit = (function () {
  var OWN_PAGE = /^views\/(story|outlet|topic)\.html#[A-Za-z0-9_.~%-]+$/;
  var FNV_OFFSET = 0x811c9dc5, FNV_PRIME = 0x01000193; // as graphkit/views/names.py

  function webLink(href) {
    try {
      var url = new URL(href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function tip(lines) {
    var box = document.createElement("div");
    box.className = "tip";
    lines.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line;
      box.appendChild(row);
    });
    return box;
  }

  function draw(container, nodes, edges, options, root) {
    var byId = {};
    nodes.forEach(function (node) {
      node.title = tip(node.tip || []);
      byId[node.id] = node;
    });
    edges.forEach(function (edge) {
      if (typeof edge.title === "string") edge.title = tip([edge.title]);
    });
    var network = new vis.Network(
      container,
      { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) },
      options
    );
    api.current = network; // for tests and the browser console
    network.on("click", function (event) {
      var node = event.nodes.length ? byId[event.nodes[0]] : null;
      if (!node) return;
      if (node.page && OWN_PAGE.test(node.page)) {
        window.location.href = root + node.page;
      } else if (node.href && webLink(node.href)) {
        window.open(webLink(node.href), "_blank", "noopener,noreferrer");
      }
    });
    return network;
  }

  function shardOf(key, shards) {
    var value = FNV_OFFSET;
    new TextEncoder().encode(key).forEach(function (byte) {
      value = Math.imul(value ^ byte, FNV_PRIME) >>> 0;
    });
    return value % shards;
  }

  function text(parent, tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) element.className = className;
    parent.appendChild(element);
    return element;
  }

  // One page, drawn from its view: the overview's comes inline, the others from a data file.
  function show(view, setup) {
    document.title = view.title + " · graphkit";
    document.getElementById("title").textContent = view.title;
    var notes = document.getElementById("notes");
    notes.textContent = "";
    view.notes.forEach(function (note) { text(notes, "li", note); });
    var legend = document.getElementById("legend");
    legend.textContent = "";
    view.kinds.forEach(function (kind) {
      var style = setup.styles[kind];
      var key = text(legend, "span", "", "key");
      text(key, "span", setup.symbols[style.shape], "symbol").style.color = style.color;
      key.appendChild(document.createTextNode(" " + style.label));
    });
    text(legend, "span", "hover for details; click an article to open it, anything else for its page", "key");
    draw(document.getElementById("graph"), view.nodes, view.edges, setup.options, setup.root);
  }

  function missing(what) {
    document.getElementById("title").textContent = what;
    document.title = what + " · graphkit";
  }

  function page(setup) {
    if (setup.view) return show(setup.view, setup);
    window.addEventListener("hashchange", function () { window.location.reload(); });
    var key;
    try {
      key = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return missing("No such page");
    }
    if (!key) return missing("No " + setup.kind + " named in this address");
    var shard = String(shardOf(key, setup.shards));
    api.receive = function (kind, number, pages) { // pages: [key, view] pairs
      if (kind !== setup.kind || String(number) !== shard) return;
      var found = pages.filter(function (pair) { return pair[0] === key; })[0];
      if (found) show(found[1], setup);
      else missing("No " + setup.kind + " " + key + " in this build");
    };
    var script = document.createElement("script");
    var digits = shard.length < 3 ? ("00" + shard).slice(-3) : shard; // as {shard:03d}
    script.src = "data/" + setup.kind + "-" + digits + ".js";
    script.onerror = function () { missing("The data of this page is missing"); };
    document.head.appendChild(script);
  }

  function search(input, list, entries) {
    function show() {
      var query = input.value.trim().toLowerCase();
      list.textContent = "";
      if (!query) return;
      entries
        .filter(function (entry) {
          return entry.name.toLowerCase().indexOf(query) >= 0 || entry.key.toLowerCase().indexOf(query) >= 0;
        })
        .slice(0, 50)
        .forEach(function (entry) {
          if (!OWN_PAGE.test(entry.page)) return;
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = entry.page;
          link.textContent = entry.name;
          var kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = " " + entry.kind;
          item.appendChild(link);
          item.appendChild(kind);
          list.appendChild(item);
        });
    }
    input.addEventListener("input", show);
    show();
  }

  var api = {
    draw: draw, page: page, search: search, webLink: webLink, shardOf: shardOf,
    receive: function () {}, current: null
  };
  return api;
})();
