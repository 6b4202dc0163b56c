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
    var options = setup.options;
    if (view.settle) { // laid out here: physics until settled, then still, as on other pages
      options = JSON.parse(JSON.stringify(setup.options));
      options.physics = { enabled: true, solver: "forceAtlas2Based", stabilization: { iterations: 400 } };
      options.layout = { randomSeed: 1 };
    }
    var network = draw(document.getElementById("graph"), view.nodes, view.edges, options, setup.root);
    if (view.settle) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: false });
      });
    }
  }

  // A story page from its compact data (graphkit/views/site.py, `_story_data`): its
  // articles on a time axis, one lane per outlet, first marked, lags shown; the links between
  // its articles, and those set aside as strays, dashed red to the other story.
  var LANE_GAP = 90, TIMELINE_WIDTH = 1000, ASPECT = 1.8; // as graphkit/views/networks.py

  function roundHalfEven(value) { // Python's round(), so lags read as the CLI shows them
    var rounded = Math.round(value);
    return Math.abs(value % 1) === 0.5 ? 2 * Math.round(value / 2) : rounded;
  }

  function roundTenth(value) { // Python's round(value, 1): half to even on exact ties only
    var quarters = value * 4; // an exact tie at tenths is an odd number of quarters
    if (Number.isInteger(quarters) && quarters % 2 !== 0) {
      var floor = Math.floor(value * 10);
      return (floor % 2 === 0 ? floor : floor + 1) / 10;
    }
    return Number(value.toFixed(1));
  }

  function formatLag(seconds) { // as graphkit/outputs/text.py format_lag
    if (seconds === null || seconds === undefined) return "-";
    var total = roundHalfEven(seconds);
    var days = Math.floor(total / 86400), rest = total - days * 86400;
    var hours = Math.floor(rest / 3600), minutes = Math.floor(rest % 3600 / 60), secs = rest % 60;
    if (days) return hours ? days + " d " + hours + " h" : days + " d";
    if (hours) return minutes ? hours + " h " + minutes + " min" : hours + " h";
    if (minutes) return secs ? minutes + " min " + secs + " s" : minutes + " min";
    return secs + " s";
  }

  function webAddress(address) { // as networks.py web_link: the address itself, if http(s)
    if (!address) return null;
    var trimmed = address.trim();
    try {
      var url = new URL(trimmed);
      return (url.protocol === "http:" || url.protocol === "https:") && url.host ? trimmed : null;
    } catch (error) {
      return null;
    }
  }

  function node(setup, kind, id, label, lines, extra) {
    var style = setup.styles[kind];
    var made = {
      id: id, label: label, kind: kind, shape: style.shape, color: style.color,
      tip: lines.filter(function (line) { return line; })
    };
    Object.keys(extra).forEach(function (name) { made[name] = extra[name]; });
    return made;
  }

  function storyView(story, setup) {
    var entries = story.entries, lanes = {}, outlets = [];
    entries.forEach(function (entry) {
      if (entry.p && !(entry.p in lanes)) { lanes[entry.p] = outlets.length; outlets.push(entry.p); }
    });
    var timed = entries.filter(function (entry) { return entry.l !== null; });
    var span = Math.max(timed.length ? Math.max.apply(null, timed.map(function (e) { return e.l; })) : 1, 1);
    var width = Math.max(TIMELINE_WIDTH, ASPECT * LANE_GAP * outlets.length);
    var untimedX = width + 150;
    var nodes = [], edges = [], ghosts = {}, ghostCount = 0;
    entries.forEach(function (entry) {
      var x = entry.l === null ? untimedX : roundTenth(entry.l / span * width);
      var lane = entry.p && entry.p in lanes ? lanes[entry.p] : outlets.length;
      var outlet = entry.n || entry.p || "unknown outlet";
      var lag = entry.f ? "first" : formatLag(entry.l);
      nodes.push(node(setup, entry.f ? "first" : "article", entry.a, outlet + "\n" + lag, [
        entry.t || entry.u, "outlet: " + outlet,
        "published: " + (entry.w ? entry.w : "(" + entry.s + " time)"), "behind the first: " + lag
      ], { x: x, y: lane * LANE_GAP, href: webAddress(entry.u), physics: false }));
    });
    story.links.forEach(function (pair) {
      edges.push({ from: entries[pair[0]].a, to: entries[pair[1]].a, color: "#888888" });
    });
    story.cut.forEach(function (link) {
      var ghost = "other:" + link.o;
      if (!(ghost in ghosts)) {
        ghosts[ghost] = true;
        ghostCount += 1; // each in its own place, stacked above the lanes
        nodes.push(node(setup, "other", ghost, "other story", [
          link.ot || link.o, "in story " + link.os, link.d
        ], {
          x: untimedX, y: -LANE_GAP * (1 + (ghostCount - 1) / 2),
          page: "views/story.html#" + encodeURIComponent(link.os), physics: false
        }));
      }
      edges.push({
        from: entries[link.i].a, to: ghost, dashes: true, color: "#d62728",
        title: "set aside as a stray (" + link.r + ")"
      });
    });
    var firsts = [], firstOutlets = {};
    entries.forEach(function (entry) {
      if (!entry.f || !entry.p || entry.p in firstOutlets) return;
      firstOutlets[entry.p] = true;
      firsts.push(entry.n || entry.p);
    });
    var first = entries.length && entries[0].l !== null ? entries[0].w : "unknown";
    return pageView("Story: " + story.label, [
      entries.length + " articles by " + outlets.length + " outlets; first " + first + " by " +
        firsts.join(", "),
      "Time runs left to right; one lane per outlet, in the order they first covered it. " +
        "Dashed red links were set aside as strays (see report.json)."
    ], nodes, edges, setup);
  }

  var NODE_GAP = 140; // as graphkit/views/networks.py

  function shortText(text, limit) { // a label of at most `limit` characters (code points)
    var characters = Array.from(text);
    return characters.length <= (limit || 40) ? text : characters.slice(0, (limit || 40) - 1).join("") + "\u2026";
  }

  function storyPage(id) { return "views/story.html#" + encodeURIComponent(id); }

  // An outlet page from its data (networks.py `outlet_pages`): its stories (first or not)
  // and whom it beats and who beats it, on a sunflower spiral around it.
  function outletView(outlet, setup) {
    var me = "outlet:" + outlet.outlet, nodes = [], edges = [];
    nodes.push(node(setup, "outlet", me, outlet.name, [
      outlet.name, outlet.outlet, "first on " + outlet.first + " of " + outlet.total + " stories"
    ], {}));
    outlet.stories.forEach(function (story) {
      var id = "story:" + story.i;
      nodes.push(node(setup, "story", id, shortText(story.l), [
        story.l, story.f ? "first" : "not first", story.o + " outlets"
      ], { page: storyPage(story.i), size: 10 + Math.min(20, story.a) }));
      edges.push({ from: me, to: id, color: story.f ? "#d62728" : "#888888" });
    });
    outlet.pairs.forEach(function (pair) {
      var id = "outlet:" + pair.k;
      nodes.push(node(setup, "outlet", id, pair.n, [
        pair.n, outlet.name + " earlier " + pair.w + ", " + pair.n + " earlier " + pair.x +
          ", tied " + pair.t + " (of " + pair.s + ")"
      ], { page: pair.p }));
      edges.push({ from: me, to: id, label: pair.w + "\u2013" + pair.x, dashes: true });
    });
    // what a force-directed layout of a star comes to: the outlet in the middle, the others
    // in their order on a spiral, each with about NODE_GAP^2 of room
    var turn = Math.PI * (3 - Math.sqrt(5)), stretch = Math.sqrt(ASPECT);
    nodes.forEach(function (made, i) {
      var radius = i ? NODE_GAP * Math.sqrt((i + 3.5) / Math.PI) : 0;
      made.x = roundTenth(radius * Math.cos(i * turn) * stretch);
      made.y = roundTenth(radius * Math.sin(i * turn) / stretch);
      made.physics = false;
    });
    var notes = [
      "First on " + outlet.first + " of " + outlet.total + " stories it covered; head-to-head against " +
        outlet.opponents + " outlets (its wins\u2013losses on the dashed links)."
    ];
    if (outlet.stories.length < outlet.total || outlet.pairs.length < outlet.opponents) {
      notes.push("Showing " + outlet.stories.length + " of its stories (those it led first, then " +
        "the most covered) and the " + outlet.pairs.length + " outlets it met most; the rest are " +
        "in stories.csv and head_to_head.csv.");
    }
    return pageView("Outlet: " + outlet.name + " (" + outlet.outlet + ")", notes, nodes, edges, setup);
  }

  // A topic page from its data (networks.py `topic_pages`): its stories and the outlets that
  // covered them, laid out by the browser (vis-network's physics, stopped once settled).
  function topicView(topic, setup) {
    var nodes = [], edges = [];
    topic.stories.forEach(function (story) {
      var id = "story:" + story.i;
      nodes.push(node(setup, "story", id, shortText(story.l), [story.l, story.o.length + " outlets"],
        { page: storyPage(story.i), size: 10 + Math.min(20, story.a) }));
      story.o.forEach(function (outlet) {
        edges.push({ from: "outlet:" + outlet, to: id, color: "#888888" });
      });
    });
    topic.outlets.forEach(function (outlet) {
      nodes.push(node(setup, "outlet", "outlet:" + outlet.k, outlet.n,
        [outlet.n, outlet.c + " stories on this topic"],
        { page: outlet.p, size: 8 + Math.min(25, outlet.c) }));
    });
    var notes = [topic.total + " stories, " + topic.outlets.length + " outlets."];
    if (topic.total > topic.stories.length) {
      notes.push("Showing the " + topic.stories.length + " stories covered by the most outlets; " +
        "the others are listed in first_coverage.csv and reachable by the search on the index page.");
    }
    var drawn = pageView("Topic: " + topic.label, notes, nodes, edges, setup);
    drawn.settle = true;
    return drawn;
  }

  function pageView(title, notes, nodes, edges, setup) {
    var kinds = Object.keys(setup.styles).filter(function (kind) {
      return nodes.some(function (made) { return made.kind === kind; });
    });
    return { title: title, notes: notes, kinds: kinds, nodes: nodes, edges: edges };
  }

  var VIEWS = { story: storyView, outlet: outletView, topic: topicView };

  function missing(what) {
    document.getElementById("title").textContent = what;
    document.title = what + " · graphkit";
  }

  // An earlier build's story id: its entry names the story that continues it (site.py,
  // `_moved_data`); the page goes there and says how it got there.
  function follow(kind, entry) {
    if (entry.moved === null) return missing(entry.note);
    window.location.replace(kind + ".html?moved=" + encodeURIComponent(entry.note) + "#" +
      encodeURIComponent(entry.moved));
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
    var moved = new URLSearchParams(window.location.search).get("moved");
    var shard = String(shardOf(key, setup.shards));
    api.receive = function (kind, number, pages) { // pages: [key, view] pairs
      if (kind !== setup.kind || String(number) !== shard) return;
      var found = pages.filter(function (pair) { return pair[0] === key; })[0];
      if (found && found[1].moved !== undefined) return follow(setup.kind, found[1]);
      if (!found) return missing("No " + setup.kind + " " + key + " in this build");
      show(VIEWS[setup.kind](found[1], setup), setup);
      if (moved) text(document.getElementById("notes"), "li", moved);
    };
    var script = document.createElement("script");
    var digits = shard.length < 3 ? ("00" + shard).slice(-3) : shard; // as {shard:03d}
    script.src = "data/" + setup.kind + "-" + digits + ".js";
    script.onerror = function () { missing("The data of this page is missing"); };
    document.head.appendChild(script);
  }

  function search(input, list, entries) {
    function show() {
      // every word, in any order, in the name (a story's headline) or the key (its id)
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!words.length) return;
      entries
        .filter(function (entry) {
          var text = entry.name.toLowerCase() + " " + entry.key.toLowerCase();
          return words.every(function (word) { return text.indexOf(word) >= 0; });
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
    formatLag: formatLag, roundTenth: roundTenth, storyView: storyView, outletView: outletView,
    topicView: topicView, receive: function () {}, current: null
  };
  return api;
})();
