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
/* On a narrow screen the title goes above the chart as text that wraps, and the margins shrink. */
function standoffNarrow(el, layout) {
  var width = el.clientWidth;
  var title = layout.title && layout.title.text;
  if (title && !el.previousElementSibling) {
    var head = document.createElement("div");
    head.className = "fig-title";
    head.innerHTML = title;  /* the figure's own title, escaped when the figure was built */
    el.parentNode.insertBefore(head, el);
  }
  layout.title = { text: "" };
  var m = Object.assign({ l: 80, r: 80, t: 80, b: 80 }, layout.margin || {});
  layout.margin = { l: Math.min(m.l, Math.round(width * 0.38)), r: Math.min(m.r, 16), t: 24, b: Math.min(m.b, 120) };
  if (layout.legend && layout.legend.orientation !== "h") {
    layout.legend = { orientation: "h", x: 0, y: -0.15, yanchor: "top", font: { size: 10 } };
  }
  layout.font = Object.assign({}, layout.font || {}, { size: 11 });
  /* labels at the ends of a row share half the plot's width each */
  var room = Math.max(8, Math.floor((width - layout.margin.l - layout.margin.r - 60) / 2 / 6.2));
  (layout.annotations || []).forEach(function (a) {
    if (a.xref === "x" && typeof a.text === "string" && a.text.length > room && a.text.indexOf("<") < 0) {
      a.text = a.text.slice(0, room - 1) + "…";
    }
  });
}
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
    if (el.clientWidth && el.clientWidth < 640) { standoffNarrow(el, layout); }
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
