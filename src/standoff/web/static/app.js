/* Standoff dashboard: draw every figure of the page (no inline script needed). */
var STANDOFF_PLOT_CONFIG = {
  responsive: true,
  displaylogo: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  showLink: false,
  modeBarButtonsToRemove: ["lasso2d", "select2d", "sendDataToCloud", "editInChartStudio"],
  toImageButtonOptions: { format: "png", scale: 2 }
};
function standoffDraw() {
  document.querySelectorAll(".figure").forEach(function (el) {
    var data = document.getElementById(el.id + "-data");
    if (!data || typeof Plotly === "undefined" || el.getAttribute("data-drawn")) { return; }
    var fig = JSON.parse(data.textContent);
    var config = Object.assign({}, STANDOFF_PLOT_CONFIG, {
      toImageButtonOptions: { format: "png", scale: 2, filename: el.id }
    });
    var layout = Object.assign({}, fig.layout, { autosize: true });
    delete layout.width;
    Plotly.newPlot(el, fig.data, layout, config).then(function () {
      el.querySelectorAll("svg.main-svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
      el.setAttribute("data-drawn", "true");
      standoffScrollables();
    });
  });
}
/* A box that scrolls sideways (a wide table on a phone) can be reached and scrolled with the keyboard. */
function standoffScrollables() {
  document.querySelectorAll(".card, .table-scroll, .source").forEach(function (el) {
    var scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible";
    if (scrolls && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      if (!el.getAttribute("role")) { el.setAttribute("role", "region"); }
      if (!el.getAttribute("aria-label")) {
        var h = el.querySelector("h2, h3, caption");
        el.setAttribute("aria-label", (h ? h.textContent.trim() : "Table") + " (scrolls sideways)");
      }
    }
  });
}
function standoffInit() {
  standoffDraw();
  standoffScrollables();
  window.addEventListener("resize", standoffScrollables);
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", standoffInit);
} else {
  standoffInit();
}
