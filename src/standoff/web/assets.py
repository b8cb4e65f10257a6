"""Files the dashboard and the report share: templates, static files, Plotly's JavaScript (no FastAPI needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from standoff.core.version import __version__
from standoff.presentation import figures as plots
from standoff.presentation.bottom_line import pct

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


def template_globals() -> dict[str, Any]:
    """Helpers every template may call."""
    return {
        "version": __version__,
        "fmt": plots.fmt,
        "pct": pct,
        "anchor": plots.nearest_anchor,
        "engine_rows": plots.engine_forecast_rows,
        "engine_colour": lambda name: plots.engine_style(name)[0],
    }


def environment() -> Environment:
    """A Jinja2 environment over the templates, HTML autoescaped."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    env.globals.update(template_globals())
    return env
