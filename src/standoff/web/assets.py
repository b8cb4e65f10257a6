"""Files the dashboard and the report share: templates, static files, Plotly's JavaScript (no FastAPI needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from standoff.core.version import __version__
from standoff.presentation import figures as plots
from standoff.presentation.bottom_line import move_effect, pct, plural

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def plotly_js_path() -> Path:
    """The ``plotly.min.js`` bundled with the installed ``plotly`` package (nothing is fetched)."""
    try:
        import plotly
    except ImportError as exc:
        raise RuntimeError("the dashboard and the report need the plotly package: pip install plotly") from exc
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():
        raise RuntimeError(f"the installed plotly package has no bundled plotly.min.js ({path})")
    return path


#: Trace types in Plotly's basic partial bundle (``static/plotly-basic.min.js``, MIT, see its licence file).
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})
BASIC_BUNDLE = "plotly-basic.min.js"


def plotly_bundle(figures: list[dict[str, Any]]) -> str:
    """The smallest Plotly bundle (a file under ``static/``) that draws every trace of these figures."""
    types = {t.get("type", "scatter") for fig in figures for t in fig.get("data", [])}
    return BASIC_BUNDLE if types <= BASIC_TRACES else "plotly.min.js"


def plotly_bundle_text(figures: list[dict[str, Any]]) -> str:
    """The JavaScript of :func:`plotly_bundle` (for a self-contained file)."""
    name = plotly_bundle(figures)
    path = STATIC / name if name == BASIC_BUNDLE else plotly_js_path()
    return path.read_text(encoding="utf-8")


def figure_summary(figure: dict[str, Any]) -> str:
    """A one-sentence text alternative of a figure: its title and what it draws."""
    import re

    title = figure.get("layout", {}).get("title", {})
    text = title.get("text", "") if isinstance(title, dict) else str(title or "")
    text = re.sub(r"<br\s*/?>", ". ", text)
    text = re.sub(r"<[^>]+>", "", text).strip().rstrip(".")
    n = len([t for t in figure.get("data", []) if t.get("showlegend", True) is not False or t.get("name")])
    return f"Chart: {text or 'figure'} ({n} series); the table and text on this page give the same numbers."


def short_label(text: str, limit: int = 80) -> str:
    """An anchor's meaning cut to its first clause (the full text is under "The scale")."""
    head = text.split(":")[0].split(";")[0].strip()
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


def template_globals() -> dict[str, Any]:
    """Helpers every template may call."""
    return {
        "version": __version__,
        "fmt": plots.fmt,
        "pct": pct,
        "anchor": plots.nearest_anchor,
        "engine_rows": plots.engine_forecast_rows,
        "engine_colour": lambda name: plots.engine_style(name)[0],
        "figure_summary": figure_summary,
        "short": short_label,
        "plural": plural,
        "move_effect": move_effect,
    }


def environment() -> Environment:
    """A Jinja2 environment over the templates, HTML autoescaped."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    env.globals.update(template_globals())
    return env
