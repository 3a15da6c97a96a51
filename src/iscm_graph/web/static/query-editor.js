// The query editor: YASGUI (vendored) on this server's endpoint, with the project's prefixes and
// its catalogue of example queries. Nothing is loaded from elsewhere: the class and property
// autocompleters (which ask an outside service) are turned off.
(function () {
  var examples = JSON.parse(document.getElementById("example-queries").textContent);
  var endpoint = window.location.origin + "/sparql";
  var prefixes = examples["__prefixes__"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: ["prefixes", "variables"], value: prefixes + examples["__default__"] },
    yasr: { defaultPlugin: "table" }
  });
  window.iscmYasgui = yasgui;
  // the editor's own inputs have no label: name them in the page's language (given by the page)
  var root = document.getElementById("yasgui");
  function labelInputs() {
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", root.dataset.endpointLabel);
    });
    root.querySelectorAll(".tabsList input:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", root.dataset.tabNameLabel);
    });
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", root.dataset.queryLabel);
    });
  }
  labelInputs();
  new MutationObserver(labelInputs).observe(root, { childList: true, subtree: true });
  document.getElementById("examples").addEventListener("change", function (event) {
    var name = event.target.value;
    if (!name) return;
    var tab = yasgui.getTab();
    tab.setQuery(examples[name]);
    tab.getYasqe().focus();
  });
})();
