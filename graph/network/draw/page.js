// kg draw: the interactive picture. The scene (positions computed by kg) is in the
// element #kg-data; cytoscape.js draws it on a canvas. Nothing is fetched.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var SPAN = 1000;  // scene coordinates (0..1) to cytoscape's model coordinates
  var heaviest = Math.max.apply(null, [1].concat(data.edges.map(function (e) { return e[2]; })));
  var elements = data.nodes.map(function (n, i) {
    return {
      group: "nodes",
      data: { id: "n" + i, label: n.label, kind: n.kind, measure: n.measure, url: n.url || "",
              colour: data.colours[n.kind] || "#333333", size: 6 + 54 * n.radius,
              shown: n.labelled ? n.label : "" },
      position: { x: n.x * SPAN, y: n.y * SPAN }
    };
  }).concat(data.edges.map(function (e, i) {
    return {
      group: "edges",
      data: { id: "e" + i, source: "n" + e[0], target: "n" + e[1], weight: e[2],
              width: heaviest > 1 ? 0.5 + 2.5 * Math.log(e[2]) / Math.log(heaviest) : 0.6 }
    };
  }));
  var cy = cytoscape({
    container: document.getElementById("graph"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 50 },
    autoungrabify: true,          // the layout is kg's: nodes are not dragged about
    boxSelectionEnabled: false,
    minZoom: 0.05,
    maxZoom: 20,
    style: [
      { selector: "node", style: {
          "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
          "border-width": 1, "border-color": "#ffffff", "label": "data(shown)",
          "font-family": "DejaVu Sans, Verdana, sans-serif", "font-size": 11, "color": "#222222",
          "text-valign": "top", "text-margin-y": -3, "text-outline-color": "#ffffff",
          "text-outline-width": 2, "min-zoomed-font-size": 6 } },
      { selector: "node.hover", style: { "label": "data(label)", "border-color": "#222222", "z-index": 10 } },
      { selector: "edge", style: {
          "width": "data(width)", "line-color": "#9a9a9a", "opacity": 0.5, "curve-style": "straight",
          "target-arrow-shape": data.directed ? "triangle" : "none", "target-arrow-color": "#9a9a9a",
          "arrow-scale": 0.6 } }
    ]
  });
  var tip = document.getElementById("tip");
  cy.on("mouseover", "node", function (event) {
    var node = event.target, at = event.renderedPosition || node.renderedPosition();
    node.addClass("hover");
    tip.textContent = node.data("label") + " (" + node.data("kind") + ", " + data.measure + ": " +
      node.data("measure") + ")" + (node.data("url") ? " - click to open" : "");
    tip.style.left = (at.x + 14) + "px";
    tip.style.top = (at.y + 14) + "px";
    tip.hidden = false;
    document.getElementById("graph").style.cursor = node.data("url") ? "pointer" : "default";
  });
  cy.on("mouseout", "node", function (event) {
    event.target.removeClass("hover");
    tip.hidden = true;
    document.getElementById("graph").style.cursor = "default";
  });
  cy.on("tap", "node", function (event) {
    var url = event.target.data("url");
    if (/^https?:\/\//i.test(url)) { window.open(url, "_blank", "noopener"); }
  });
  cy.ready(function () { document.documentElement.setAttribute("data-rendered-nodes", String(cy.nodes().length)); });
  window.kgGraph = cy;  // for a console, and for tests
})();
