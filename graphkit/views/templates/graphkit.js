// graphkit pages: record text is only ever set as textContent, links only to http(s) or our pages.
"use strict";
var graphkit = (function () {
  var OWN_PAGE = /^views\/(story|outlet|topic)\/[a-z0-9-]+\.html$/;

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

  var api = { draw: draw, search: search, webLink: webLink, current: null };
  return api;
})();
