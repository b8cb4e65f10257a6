/* Standoff dashboard: draw every figure of the page, and the scenario picker. */
function standoffDraw() {
  document.querySelectorAll(".figure").forEach(function (el) {
    var data = document.getElementById(el.id + "-data");
    if (!data || typeof Plotly === "undefined") { return; }
    var fig = JSON.parse(data.textContent);
    Plotly.newPlot(el, fig.data, fig.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["lasso2d", "select2d"],
      toImageButtonOptions: { format: "png", scale: 2, filename: el.id }
    }).then(function () { el.setAttribute("data-drawn", "true"); });
  });
}
(function () {
  var pick = document.getElementById("scenario-pick");
  if (pick) {
    pick.addEventListener("change", function () { if (pick.value) { window.location = pick.value; } });
  }
})();
