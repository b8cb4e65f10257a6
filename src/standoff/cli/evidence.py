"""Commands about the evidence: coverage, suggested quotes, ingesting articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from standoff.cli.common import (
    ScenarioArg,
    _load,
    _writable,
    app,
    err,
    out,
)
from standoff.scenario.coverage import coverage


@app.command()
def evidence(
    scenario: ScenarioArg = "iran-2026",
    actor: Annotated[str | None, typer.Option(help="Only this actor's stances.")] = None,
    candidates: Annotated[int, typer.Option(help="Candidate passages shown per stance (0: none).")] = 2,
) -> None:
    """Evidence coverage, the quotes used per actor, and candidate passages from the corpus per stance."""
    from standoff.scenario.evidence_search import candidates as find_candidates

    loaded = _load(scenario)
    sc = loaded.scenario
    cov = coverage(sc)
    out.print(f"[bold]{sc.title}[/bold]: {cov.total} numeric inputs")
    for support in ("quote", "quote+judgment", "judgment"):
        n = cov.count(support)
        out.print(f"  {support:15} {n:4d}  ({100 * n / max(cov.total, 1):.0f}%)")
    table = Table("actor", "inputs", "quoted", "quotes used", box=None)
    for a in sc.actors:
        if actor and a.id != actor:
            continue
        mine = [i for i in cov.inputs if i.actor == a.id]
        quotes = cov.quotes_by_actor[a.id]
        shown = "; ".join(f"[{d}] “{q[:70]}{'…' if len(q) > 70 else ''}”" for d, q in quotes[:3])
        more = f" (+{len(quotes) - 3} more)" if len(quotes) > 3 else ""
        table.add_row(a.id, str(len(mine)), str(sum(1 for i in mine if i.quotes)), shown + more)
    out.print(table)
    bare = [i for i in cov.judgment_only if not actor or i.actor == actor]
    out.print(
        f"\n[bold]Inputs with no quote[/bold] ({len(bare)}): "
        + ", ".join(i.path for i in bare[:12])
        + (" …" if len(bare) > 12 else "")
    )
    if candidates <= 0:
        return
    found = find_candidates(sc, loaded.corpus, per_stance=candidates)
    out.print("\n[bold]Candidate passages per stance[/bold] (✓ already cited; ★ a quote by the actor)")
    for st in sc.stances:
        if actor and st.actor != actor:
            continue
        for c in found.get((st.actor, st.issue), []):
            mark = ("✓" if c.cited else " ") + ("★" if c.quoted_actor else " ")
            text = c.sentence if len(c.sentence) <= 110 else c.sentence[:109] + "…"
            out.print(f"  {mark} {st.actor}/{st.issue} [{c.doc}, {c.score:g}] {text}", markup=False, highlight=False)


@app.command()
def suggest(
    scenario: ScenarioArg = "iran-2026",
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the drafts (YAML).")] = Path(
        "suggested-stances.yaml"
    ),
) -> None:
    """Draft stance entries with their quotes into a separate file for review (never edits the scenario)."""
    import yaml

    from standoff.scenario.evidence_search import draft_stances

    _writable(output, "--output")
    loaded = _load(scenario)
    drafts = draft_stances(loaded.scenario, loaded.corpus)
    if output.resolve() == Path(loaded.source).resolve():
        err.print("refusing to overwrite the scenario itself; choose another --output")
        raise typer.Exit(2)
    header = (
        f"# Draft stances for {loaded.scenario.id}, from its corpus. Review every number before copying\n"
        "# an entry into the scenario's stances: values are placeholders, quotes are verbatim.\n"
    )
    output.write_text(
        header + yaml.safe_dump({"stances": drafts}, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8"
    )
    out.print(f"wrote {len(drafts)} draft stances to {output}")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for standard input.")],
    corpus: Annotated[Path | None, typer.Option(help="Corpus directory (default: the user's data directory).")] = None,
    doc_id: Annotated[
        str | None,
        typer.Option(
            "--id", help="Document id to cite it by (one input only; default: made from the title and content)."
        ),
    ] = None,
) -> None:
    """Read articles (text, Markdown, HTML) into a corpus, deduplicated by content.

    A plain-text article may open with its title line and "Author:", "Outlet:" and "Date:" lines.
    """
    from standoff.corpus.library import CorpusIndexError, default_corpus_dir
    from standoff.corpus.library import ingest as run_ingest

    root = corpus or default_corpus_dir()
    try:
        results = run_ingest(paths, root, doc_id=doc_id)
    except CorpusIndexError as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except ValueError as exc:
        err.print(f"--id: {exc}", markup=False)
        raise typer.Exit(2) from None
    for r in results:
        colour = {"added": "green", "duplicate": "yellow", "skipped": "red"}[r.status]
        line = Text(f"{r.status:9}", style=colour)
        line.append(f" {r.source}: {r.doc_id or ''} {r.message}")
        out.print(line, highlight=False)
    index = root / "corpus.yaml"
    out.print(f"corpus: {index} (cite it from a scenario with corpus: [{index}])", markup=False, highlight=False)
    if any(r.status == "skipped" for r in results):
        raise typer.Exit(1)
