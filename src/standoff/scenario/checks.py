"""Whole-file checks of a scenario, on the raw YAML data.

They run beside the format validation, so that one pass reports everything:
duplicate ids, references to unknown actors, issues or documents, quotes that
do not occur in their document, and numbers outside the bounds their meaning
allows (positions inside the issue's scale, salience in ``[0, 1]``,
capability ``>= 0``, risk attitude in ``[-1, 1]``). Each check tolerates the
wrong types the format validation already reports.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Literal, TypeGuard, Union, get_args, get_origin

from pydantic import BaseModel

from standoff.corpus.documents import Corpus, normalise_text
from standoff.scenario.model import CRISIS_OPTIONAL, CRISIS_QUANTITIES, DETERRENCE_CONDITIONS, Scenario

Found = tuple[str, str]


def check_scenario(raw: dict[str, Any], corpus: Corpus) -> list[Found]:
    """Every whole-file problem, as ``(field path, message)``."""
    actors = _items(raw, "actors")
    issues = _items(raw, "issues")
    actor_ids = _ids(actors)
    issue_ids = _ids(issues)
    scales = {i.get("id"): _scale(i) for _, i in issues}
    found: list[Found] = []
    found += _duplicates("actors", actors)
    found += _duplicates("issues", issues)
    for path, a in actors:
        found += _bounded(a.get("capability"), f"{path}.capability", 0.0, None, "capability")
        found += _bounded(a.get("risk"), f"{path}.risk", -1.0, 1.0, "risk attitude")
        within = a.get("within")
        if isinstance(within, str) and within not in actor_ids:
            found.append((f"{path}.within", _unknown("actor", within, actor_ids)))
        for k, veto in enumerate(a.get("veto") or []):
            if not isinstance(veto, dict):
                continue
            vpath = f"{path}.veto[{k}]"
            issue = veto.get("issue")
            if isinstance(issue, str) and issue not in issue_ids:
                found.append((f"{vpath}.issue", _unknown("issue", issue, issue_ids)))
            rng = veto.get("range")
            scale = scales.get(issue)
            if scale and _pair(rng) and not (scale[0] <= rng[0] and rng[1] <= scale[1]):
                found.append(
                    (
                        f"{vpath}.range",
                        f"expected a range inside the issue's scale [{scale[0]:g}, {scale[1]:g}], got {rng}",
                    )
                )
    stance_keys = {(s.get("actor"), s.get("issue")) for _, s in _items(raw, "stances")}
    for path, a in actors:
        for k, veto in enumerate(a.get("veto") or []):
            if (
                isinstance(veto, dict)
                and veto.get("range") is None
                and (a.get("id"), veto.get("issue")) not in stance_keys
            ):
                found.append(
                    (
                        f"{path}.veto[{k}]",
                        "a veto without a range is read from the actor's stance on the issue; "
                        "give the actor a stance on it or give the veto a range",
                    )
                )
        found += _package_checks(path, a, issue_ids, stance_keys)
    for path, i in issues:
        scale = scales.get(i.get("id"))
        if scale:
            found += _bounded(i.get("status_quo"), f"{path}.status_quo", *scale, "status quo")
    seen: dict[tuple[Any, Any], str] = {}
    for path, s in _items(raw, "stances"):
        actor, issue = s.get("actor"), s.get("issue")
        if isinstance(actor, str) and actor not in actor_ids:
            found.append((f"{path}.actor", _unknown("actor", actor, actor_ids)))
        if isinstance(issue, str) and issue not in issue_ids:
            found.append((f"{path}.issue", _unknown("issue", issue, issue_ids)))
        key = (actor, issue)
        if key in seen:
            found.append((path, f"duplicate stance of {actor!r} on {issue!r} (first at {seen[key]})"))
        seen.setdefault(key, path)
        scale = scales.get(issue)
        if scale:
            found += _bounded(s.get("position"), f"{path}.position", *scale, "position")
        found += _bounded(s.get("salience"), f"{path}.salience", 0.0, 1.0, "salience")
        lowest = _lowest(s.get("salience"))
        if lowest is not None and lowest <= 0:
            found.append(
                (
                    f"{path}.salience",
                    f"salience must be above 0 on every draw, got a lowest value of {lowest:g} "
                    "(an actor with no stake in an issue needs no stance on it; a normal distribution "
                    "reaches 0: use uniform, triangular or beta)",
                )
            )
    found += _sections(raw, actor_ids, issue_ids)
    found += _nesting(actors)
    found += _weights(raw, actors, issues)
    found += list(_magnitudes(raw, ""))
    found += list(_typed_numbers(Scenario, raw, ""))
    found += list(_evidence(raw, "", corpus))
    return found


def _package_checks(path: str, actor: dict[str, Any], issue_ids: set[str], stance_keys: set[Any]) -> list[Found]:
    """A package veto names known issues on which its actor has a stance, and no issue in two packages."""
    found: list[Found] = []
    seen: dict[str, int] = {}
    for k, package in enumerate(actor.get("package_veto") or []):
        if not isinstance(package, dict) or not isinstance(package.get("issues"), list):
            continue
        ppath = f"{path}.package_veto[{k}]"
        for issue in package["issues"]:
            if not isinstance(issue, str):
                continue
            if issue not in issue_ids:
                found.append((f"{ppath}.issues", _unknown("issue", issue, issue_ids)))
            elif (actor.get("id"), issue) not in stance_keys:
                found.append(
                    (
                        f"{ppath}.issues",
                        f"a package veto is read from the actor's stances; give it a stance on {issue!r}",
                    )
                )
            red = [v for v in actor.get("veto") or [] if isinstance(v, dict) and v.get("issue") == issue]
            if any(v.get("range") is None for v in red):
                found.append(
                    (
                        f"{ppath}.issues",
                        f"{issue!r} also has a red-line veto without a range (the package veto on it alone); "
                        "give the red line a range or drop it",
                    )
                )
            if issue in seen and seen[issue] != k:
                found.append((f"{ppath}.issues", f"{issue!r} is already in package_veto[{seen[issue]}]"))
            seen.setdefault(issue, k)
    return found


#: The largest magnitude of any number in a scenario: beyond it, sums and products in the engines overflow.
MAX_MAGNITUDE = 1e9
#: The smallest magnitude of a non-zero number (squares of smaller ones vanish).
MIN_MAGNITUDE = 1e-9


def _magnitudes(node: Any, path: str) -> Iterator[Found]:
    """Every finite number anywhere in the file 0 or within ``[1e-9, 1e9]`` in size (the format refuses infinities):
    beyond, sums and products in the engines overflow or underflow."""

    def problem(x: Any) -> str | None:
        if not _number(x) or not math.isfinite(x) or x == 0:
            return None
        if abs(x) > MAX_MAGNITUDE:
            return f"{x!r} is too large: numbers must lie within ±1e9; use smaller units"
        if abs(x) < MIN_MAGNITUDE:
            return f"{x!r} is too small to compute with: write 0, or a number at least 1e-9 in size"
        return None

    if isinstance(node, dict):
        for key, value in node.items():
            yield from _magnitudes(value, f"{path}.{key}" if path else str(key))
            if problem(key):
                yield (path, problem(key))  # type: ignore[misc]
    elif isinstance(node, list):
        for k, item in enumerate(node):
            label = _label(item)
            yield from _magnitudes(item, f"{path}[{k}]({label})" if label else f"{path}[{k}]")
    elif problem(node):
        yield (path, problem(node))  # type: ignore[misc]


def _typed_numbers(annotation: Any, v: Any, path: str) -> Iterator[Found]:
    """Numbers written as ``true``/``false`` or quoted (``"40"``), wherever the format wants a number.

    The format validation would silently convert them; a typo such as ``salience: "0,4"`` is reported there."""
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation in (float, int):
        if isinstance(v, bool) or (isinstance(v, str) and _numeric_text(v)):
            yield (path, f"expected a number, got {v!r} (write numbers without quotes; true/false are not numbers)")
    elif origin is Annotated:
        yield from _typed_numbers(args[0], v, path)
    elif origin in (Union, UnionType):
        options = [a for a in args if a is not type(None)]
        if isinstance(v, dict) and all(isinstance(a, type) and issubclass(a, BaseModel) for a in options):
            options = [a for a in options if _matches(a, v)] or options[:1]
        if v is not None and len(options) == 1:
            yield from _typed_numbers(options[0], v, path)
    elif origin in (list, tuple) and isinstance(v, list) and args:
        for k, item in enumerate(v):
            label = _label(item)
            yield from _typed_numbers(
                args[0] if args[-1] is Ellipsis else args[min(k, len(args) - 1)],
                item,
                f"{path}[{k}]({label})" if label else f"{path}[{k}]",
            )
    elif origin is dict and isinstance(v, dict) and len(args) == 2:
        for key, item in v.items():
            yield from _typed_numbers(args[0], key, f"{path}.{key}")
            yield from _typed_numbers(args[1], item, f"{path}.{key}")
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(v, dict):
        for name, field in annotation.model_fields.items():
            if name in v:
                yield from _typed_numbers(field.annotation, v[name], f"{path}.{name}" if path else name)


def _numeric_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _matches(model: type[BaseModel], v: dict[str, Any]) -> bool:
    """Whether ``v`` selects ``model`` in a discriminated union (its ``dist`` literal)."""
    field = model.model_fields.get("dist")
    return field is not None and get_origin(field.annotation) is Literal and v.get("dist") in get_args(field.annotation)


def _label(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    return str(item.get("id") or "/".join(str(item[f]) for f in ("actor", "issue") if f in item))


def _nesting(actors: list[tuple[str, dict[str, Any]]]) -> list[Found]:
    """``within`` must name another actor, and following it must never come back (no cycles)."""
    parent = {a["id"]: a.get("within") for _, a in actors if isinstance(a.get("id"), str)}
    found: list[Found] = []
    for path, a in actors:
        me, within = a.get("id"), a.get("within")
        if not isinstance(within, str) or not isinstance(me, str):
            continue
        if within == me:
            found.append((f"{path}.within", f"actor {me!r} cannot be within itself"))
            continue
        chain: list[str] = [me]
        at: Any = within
        while isinstance(at, str) and at in parent and at not in chain:
            chain.append(at)
            at = parent[at]
        if at == me:
            found.append((f"{path}.within", f"'within' goes round in a cycle: {' → '.join([*chain, me])}"))
    return found


def _lowest(q: Any) -> float | None:
    """The lowest value a quantity can take (its value, range or distribution), or None if malformed."""
    if not isinstance(q, dict) or not _number(q.get("value")):
        return None
    lows = [q["value"]]
    if _pair(q.get("range")):
        lows.append(q["range"][0])
    dist = q.get("dist")
    if isinstance(dist, dict):
        if dist.get("dist") == "normal":
            sd, mean = dist.get("sd"), dist.get("mean")
            lows.append(mean if _number(sd) and sd == 0 and _number(mean) else -math.inf)
        else:
            low = dist.get("low", 0.0)
            lows.append(low if _number(low) else -math.inf)
    return float(min(lows))


def _weights(
    raw: dict[str, Any], actors: list[tuple[str, dict[str, Any]]], issues: list[tuple[str, dict[str, Any]]]
) -> list[Found]:
    """Each issue needs an actor that always weighs on it: capability and salience above 0 on every draw."""
    capability = {a.get("id"): _lowest(a.get("capability")) for _, a in actors}
    weighed: dict[Any, bool] = {}
    for _, s in _items(raw, "stances"):
        cap, sal = capability.get(s.get("actor")), _lowest(s.get("salience"))
        if cap is None or sal is None:
            return []  # malformed numbers are reported elsewhere
        weighed[s.get("issue")] = weighed.get(s.get("issue"), False) or (cap > 0 and sal > 0)
    return [
        (
            path,
            f"no actor weighs on issue {i.get('id')!r}: give at least one actor with a stance on it "
            "a capability and a salience above 0 (their lowest values included)",
        )
        for path, i in issues
        if weighed.get(i.get("id")) is False
    ]


UNIT_QUANTITIES = ("p_win", "discount_proposer", "discount_receiver", "precondition", "increment")


def _sections(raw: dict[str, Any], actor_ids: set[str], issue_ids: set[str]) -> list[Found]:
    """The deterrence, crisis and policies sections: ids that must exist, parameter names, bounds."""
    found: list[Found] = []
    known_params = set(DETERRENCE_CONDITIONS)

    def params(names: Any, path: str, known: set[str] | tuple[str, ...], what: str) -> None:
        for name in names if isinstance(names, dict) else {}:
            if name not in known:
                close = difflib.get_close_matches(str(name), list(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                found.append((f"{path}.{name}", f"unknown {what} parameter {name!r}{hint}"))

    det = raw.get("deterrence")
    if isinstance(det, dict):
        for key in ("challenger", "defender"):
            if isinstance(det.get(key), str) and det[key] not in actor_ids:
                found.append((f"deterrence.{key}", _unknown("actor", det[key], actor_ids)))
        params(det.get("conditions"), "deterrence.conditions", known_params, "deterrence")
        raw_conditions = det.get("conditions")
        conditions: dict[str, Any] = raw_conditions if isinstance(raw_conditions, dict) else {}
        if "severity" in conditions and any(str(k).startswith("severity.") for k in conditions):
            found.append(
                ("deterrence.conditions.severity", "give severity once, or per component (severity.<component>)")
            )
    crisis = raw.get("crisis")
    if isinstance(crisis, dict):
        for key in ("proposer", "receiver"):
            if isinstance(crisis.get(key), str) and crisis[key] not in actor_ids:
                found.append((f"crisis.{key}", _unknown("actor", crisis[key], actor_ids)))
        if isinstance(crisis.get("issue"), str) and crisis["issue"] not in issue_ids:
            found.append(("crisis.issue", _unknown("issue", crisis["issue"], issue_ids)))
        for key in UNIT_QUANTITIES:
            found += _bounded(crisis.get(key), f"crisis.{key}", 0.0, 1.0, key.replace("_", " "))
    first: dict[str, str] = {}
    for path, policy in _items(raw, "policies"):
        ident = policy.get("id")
        if isinstance(ident, str):
            if ident in first:
                found.append((f"{path}.id", f"duplicate policy id {ident!r} (first at {first[ident]})"))
            first.setdefault(ident, path)
        params(policy.get("deterrence"), f"{path}.deterrence", known_params, "deterrence")
        params(policy.get("crisis"), f"{path}.crisis", CRISIS_QUANTITIES + CRISIS_OPTIONAL, "crisis")
    # engine names are checked by standoff.experiments.questions.unknown_engines: the engines sit above this layer
    seen: dict[str, str] = {}
    for path, q in _items(raw, "questions"):
        ident = q.get("id")
        if isinstance(ident, str):
            if ident in seen:
                found.append((f"{path}.id", f"duplicate question id {ident!r} (first at {seen[ident]})"))
            seen.setdefault(ident, path)
        for k, src in enumerate(q.get("sources") or []):
            if not isinstance(src, dict):
                continue
            engine, issue = src.get("engine"), src.get("issue")
            if isinstance(issue, str) and issue not in issue_ids:
                found.append((f"{path}.sources[{k}].issue", _unknown("issue", issue, issue_ids)))
            needs = {
                "deterrence": "deterrence",
                "crisis": "crisis",
                "pathways": "deterrence",
                "reference": "history",
            }.get(str(engine))
            if needs is not None and not isinstance(raw.get(needs), dict):
                found.append((f"{path}.sources[{k}].engine", f"the scenario has no {needs} section to read from"))
    return found


def _items(raw: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    items = raw.get(key)
    if not isinstance(items, list):
        return []
    out = []
    for k, item in enumerate(items):
        if isinstance(item, dict):
            label = item.get("id") or "/".join(str(item[f]) for f in ("actor", "issue") if f in item)
            out.append((f"{key}[{k}]({label})" if label else f"{key}[{k}]", item))
    return out


def _ids(items: list[tuple[str, dict[str, Any]]]) -> set[str]:
    return {i["id"] for _, i in items if isinstance(i.get("id"), str)}


def _duplicates(key: str, items: list[tuple[str, dict[str, Any]]]) -> list[Found]:
    first: dict[str, str] = {}
    found = []
    for path, item in items:
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first:
            found.append((f"{path}.id", f"duplicate {key[:-1]} id {ident!r} (first at {first[ident]})"))
        first.setdefault(ident, path)
    return found


def _unknown(kind: str, ident: str, known: set[str]) -> str:
    return f"unknown {kind} id {ident!r}; known {kind}s: {', '.join(sorted(known)) or 'none'}"


def _scale(issue: dict[str, Any]) -> tuple[float, float] | None:
    scale = issue.get("scale")
    if not isinstance(scale, dict):
        return None
    low, high = scale.get("low", 0.0), scale.get("high", 100.0)
    if _number(low) and _number(high) and low < high:
        return (float(low), float(high))
    return None


def _number(x: Any) -> TypeGuard[float]:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _pair(x: Any) -> TypeGuard[list[float]]:
    return isinstance(x, list) and len(x) == 2 and all(_number(v) for v in x)


def _bounded(q: Any, path: str, low: float | None, high: float | None, what: str) -> list[Found]:
    """Check a quantity's value and uncertainty support against ``[low, high]``."""
    if not isinstance(q, dict):
        return []
    lo = -float("inf") if low is None else low
    hi = float("inf") if high is None else high
    expected = f"[{lo:g}, {hi:g}]" if high is not None else f">= {lo:g}"
    found = []
    value = q.get("value")
    if _number(value) and not lo <= value <= hi:
        found.append((f"{path}.value", f"{what} must be {expected}, got {value}"))
    rng = q.get("range")
    if _pair(rng) and not (lo <= rng[0] and rng[1] <= hi):
        found.append((f"{path}.range", f"{what} range must lie within {expected}, got {rng}"))
    dist = q.get("dist")
    if isinstance(dist, dict):
        ends = [dist.get(k) for k in ("low", "high") if k in dist]
        if any(_number(e) and not lo <= e <= hi for e in ends):
            found.append((f"{path}.dist", f"{what} distribution must lie within {expected}, got low/high {ends}"))
    return found


def _evidence(node: Any, path: str, corpus: Corpus) -> Iterator[Found]:
    """Check every ``evidence`` entry anywhere in the file."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else str(key)
            if key == "evidence":
                entries = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
                for k, ev in enumerate(entries):
                    yield from _quote(ev, f"{sub}[{k}]", corpus)
            else:
                yield from _evidence(value, sub, corpus)
    elif isinstance(node, list):
        for k, item in enumerate(node):
            label = ""
            if isinstance(item, dict):
                label = item.get("id") or "/".join(str(item[f]) for f in ("actor", "issue") if f in item)
            yield from _evidence(item, f"{path}[{k}]({label})" if label else f"{path}[{k}]", corpus)


def _quote(ev: Any, path: str, corpus: Corpus) -> Iterator[Found]:
    if not isinstance(ev, dict):
        return
    doc, quote = ev.get("doc"), ev.get("quote")
    if not isinstance(doc, str):
        return
    if doc not in corpus:
        yield (f"{path}.doc", _unknown("document", doc, set(corpus.documents)))
    elif isinstance(quote, str) and not corpus[doc].contains(quote):
        shown = normalise_text(quote)
        near = corpus[doc].nearest(quote)
        hint = f'; the nearest passage is "{near[:160]}"' if near else ""
        yield (f"{path}.quote", f'quote not found in document {doc!r}: "{shown[:120]}"{hint}')
