"""A self-contained HTML report of a scenario's forecast: ``write_report(scenario, path)``.

One HTML file holds the briefing (per issue: the status quo, each engine's
forecast with its meaning on the scale, the actors pushing hardest, who took
whose offer, the inputs that rest on judgment alone) and the dashboard's
figures (:mod:`standoff.presentation.figures`), with Plotly's JavaScript inlined, so the file
works offline when opened from disk. ``pdf=True`` prints it to PDF with
headless Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from standoff.experiments.advice import advice_subjects, advise
from standoff.experiments.forecast import Forecast, forecast
from standoff.presentation import figures as plots
from standoff.scenario import LoadedScenario, load_scenario
from standoff.web.assets import STATIC, environment, plotly_bundle_text
from standoff.web.panels import ADVICE_TOP, FigureBlock
from standoff.web.state import ADVICE_DRAWS
from standoff.web.views import briefing_context

#: Where Debian's Chromium lives; other names are looked up on ``PATH``.
CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


class ReportError(RuntimeError):
    """The report cannot be written (e.g. no Chromium for the PDF)."""


def write_report(
    scenario: str | Path | LoadedScenario,
    path: str | Path,
    *,
    draws: int | None = 200,
    seed: int = 0,
    pdf: bool = False,
    advice: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write the report of a scenario's forecast to ``path`` and return it.

    Args:
        scenario: a built-in name, a scenario file, or a loaded scenario.
        path: the file to write (HTML; a PDF if ``pdf``).
        draws: Monte Carlo draws for the intervals and distributions (``None``: point run only).
        seed: seed of the draws.
        pdf: print the report to a PDF at ``path`` with headless Chromium.
        advice: include the advice for the standoff's two sides and an outside mediator
            (:func:`standoff.experiments.advice.advice_subjects`).
        progress: called with the number of draws done after each chunk.

    Raises:
        ReportError: ``pdf`` was asked for and no Chromium was found.
    """
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    out = Path(path)
    browser = _chromium() if pdf else None
    if pdf and browser is None:
        raise ReportError(
            "PDF output needs Chromium (not found at /usr/bin/chromium or on PATH): "
            "install it with 'apt-get install chromium', or write the HTML report and print it from a browser"
        )
    html = render_report(loaded, draws=draws, seed=seed, advice=advice, progress=progress)
    if browser is None:
        out.write_text(html, encoding="utf-8")
        return out
    with tempfile.TemporaryDirectory(prefix="standoff-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        _print_pdf(browser, page, out.resolve())
    return out


def render_report(
    loaded: LoadedScenario,
    *,
    draws: int | None = 200,
    seed: int = 0,
    advice: bool = True,
    progress: Callable[[int], None] | None = None,
) -> str:
    """The report as one HTML string (figures and Plotly inlined)."""
    values: dict[str, Any] = {}
    if draws is None:
        f: Forecast = forecast(loaded)
    else:
        mc = plots.monte_carlo(loaded, draws=draws, seed=seed, progress=progress)
        f, values = mc.forecast, mc.values
    sc = loaded.scenario
    advised = []
    if advice:
        advised = [advise(loaded, actor, draws=ADVICE_DRAWS, seed=seed) for actor in advice_subjects(sc)]
    from standoff.experiments.outlook import outlook
    from standoff.presentation.bottom_line import bottom_line

    found = outlook(loaded, seed=seed, advice=advised[0] if advised and not advised[0].mediator else None)
    issues = []
    for i in f.issues:
        figures = [
            FigureBlock(f"{i.issue}-summary", plots.forecast_summary(i)),
            FigureBlock(f"{i.issue}-map", plots.actor_map(sc, i), "Bubble area: capability. Colour: actor group."),
        ]
        rounds = plots.trajectories(sc, i)
        if rounds is not None:
            figures.append(FigureBlock(f"{i.issue}-rounds", rounds, "Dashed black: the forecast after each round."))
        if i.issue in values:
            figures.append(FigureBlock(f"{i.issue}-distribution", plots.distributions(i, values[i.issue])))
        s = plots.most_telling(found.sensitivity, i.issue)
        if s is not None and s.std > 0 and s.sobol:
            title = i.engines[s.engine].title if s.engine in i.engines else s.engine
            figures.append(FigureBlock(f"{i.issue}-sobol", plots.sobol_indices(sc, s, title)))
            if any(b.swing > 0 for b in s.tornado):
                figures.append(FigureBlock(f"{i.issue}-tornado", plots.tornado(sc, s, title)))
        issues.append({"forecast": i, "brief": briefing_context(loaded, [i]), "figures": figures})
    env = environment()
    shown = [b.figure for it in issues for b in it["figures"]] + [plots.overview(f), plots.evidence_coverage(sc)]
    shown += [plots.advice_gains(a) for a in advised]
    script = plotly_bundle_text(shown).replace("</script", "<\\/script")
    return env.get_template("report.html").render(
        scenario=sc,
        loaded=loaded,
        bottom=bottom_line(f, sc, found),
        printing=True,
        forecast=f,
        issues=issues,
        overview=FigureBlock("overview", plots.overview(f)),
        coverage=FigureBlock("coverage", plots.evidence_coverage(sc)),
        advice=advised,
        advice_top=ADVICE_TOP,
        advice_figures=[FigureBlock(f"advice-{a.actor}", plots.advice_gains(a)) for a in advised],
        style=(STATIC / "style.css").read_text(encoding="utf-8"),
        app_js=(STATIC / "app.js").read_text(encoding="utf-8"),
        plotly_js=script,
    )


def _chromium() -> str | None:
    for name in CHROMIUM:
        found = name if Path(name).is_absolute() and Path(name).exists() else shutil.which(name)
        if found:
            return found
    return None


def _print_pdf(browser: str, page: Path, out: Path) -> None:
    args = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-pdf-header-footer",
        "--virtual-time-budget=20000",
        f"--print-to-pdf={out}",
        page.as_uri(),
    ]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ReportError(f"Chromium did not finish printing the PDF within {exc.timeout:.0f} s") from None
    if done.returncode != 0 or not out.exists():
        raise ReportError(f"Chromium could not print the PDF (exit {done.returncode}): {done.stderr.strip()[-500:]}")
