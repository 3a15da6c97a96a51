// Draws each figure.picture's Vega-Lite spec (its <script type="application/json">) into its view as
// SVG, then folds the fallback table into a <details>. Without JavaScript, or if drawing fails, the
// table simply stays. Everything is loaded from this server (the world map: /static/vendor/world-atlas).
(function () {
  "use strict";
  var OPTIONS = {
    renderer: "svg",
    actions: {export: true, source: false, compiled: false, editor: false}
  };

  function tuckTable(figure) {
    var wrap = figure.querySelector(".picture-table-wrap");
    if (!wrap || wrap.parentNode.tagName === "DETAILS") return;
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = figure.getAttribute("data-table-label") || "Table";
    details.appendChild(summary);
    wrap.parentNode.insertBefore(details, wrap);
    details.appendChild(wrap);
  }

  function draw(figure) {
    var spec = document.getElementById(figure.id + "-spec");
    var view = document.getElementById(figure.id + "-view");
    if (!spec || !view) return;
    var parsed;
    try { parsed = JSON.parse(spec.textContent); } catch (e) { return; }
    var labels = figure.dataset;
    var options = Object.assign({}, OPTIONS, {i18n: {
      SVG_ACTION: labels.svgLabel || "Save as SVG", PNG_ACTION: labels.pngLabel || "Save as PNG",
      CLICK_TO_VIEW_ACTIONS: labels.actionsLabel || "Save the picture"}});
    vegaEmbed(view, parsed, options).then(function (result) {
      // the actions menu's toggle shows only an icon: give it a name
      var toggle = view.querySelector("details > summary");
      if (toggle) toggle.setAttribute("aria-label", labels.actionsLabel || "Save the picture");
      // the spec's description names the drawing itself, not its container
      var svg = view.querySelector("svg");
      if (svg) {
        svg.setAttribute("role", "graphics-document");
        svg.setAttribute("aria-label", parsed.description || "");
        view.removeAttribute("aria-label");
      }
      figure.setAttribute("data-drawn", "true");
      tuckTable(figure);
      return result;
    }).catch(function (err) {
      view.textContent = "";          // the table below still shows the data
      figure.setAttribute("data-drawn", "failed");
      if (window.console) console.warn("picture " + figure.id + ": " + err);
    });
  }

  function start() {
    if (typeof vegaEmbed !== "function") return;
    var figures = document.querySelectorAll("figure.picture");
    for (var i = 0; i < figures.length; i++) draw(figures[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
