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
    });
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", standoffDraw);
} else {
  standoffDraw();
}
