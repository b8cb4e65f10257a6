"""What the dashboard holds: the scenarios it offers, uploads, and cached results.

:class:`Library` maps a scenario *name* (a built-in name, a path given at
start-up, or ``upload-<hash>`` for a file uploaded through the dashboard) to
its validated scenario, caches point forecasts, and runs Monte Carlo in one
background worker so that a slow run never blocks a request: asking for a
run either returns its result or its progress.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import yaml

from standoff.core import safeyaml
from standoff.experiments.forecast import Forecast, forecast
from standoff.presentation.figures import MonteCarlo, monte_carlo
from standoff.scenario import LoadedScenario, Problem, ScenarioError, builtin_scenarios, load_scenario
from standoff.scenario.load import parse_scenario

#: Largest upload accepted, in bytes.
MAX_UPLOAD = 1_000_000
#: Most Monte Carlo draws one request may ask for.
MAX_DRAWS = 5_000
#: Uploaded scenarios kept (oldest dropped first).
MAX_UPLOADS = 32
#: Monte Carlo draws behind the dashboard's advice (common to every move).
ADVICE_DRAWS = 64
#: YAML nodes an upload may expand to (aliases counted at every use).
MAX_NODES = safeyaml.MAX_NODES


class NotFound(KeyError):
    """No scenario (or issue, document) of that name."""


class RunCancelled(RuntimeError):
    """A Monte Carlo run stopped early: the app is shutting down or nobody is waiting for it."""


@dataclass
class Job:
    """A Monte Carlo run: queued, running, done or failed."""

    draws: int
    seed: int
    future: Future[MonteCarlo]
    started: float = field(default_factory=time.monotonic)
    done_draws: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def progress_hook(self, done: int) -> None:
        """Record progress after each chunk; stop the run if it was cancelled."""
        self.done_draws = done
        if self.stop.is_set():
            raise RunCancelled("the Monte Carlo run was cancelled")

    def cancel(self) -> None:
        """Cancel if queued; stop at the next chunk if running."""
        self.stop.set()
        self.future.cancel()

    @property
    def status(self) -> str:
        """``"queued"``, ``"running"``, ``"done"`` or ``"failed"`` (cancelled runs count as failed)."""
        if self.future.cancelled():
            return "failed"
        if self.future.done():
            return "failed" if self.future.exception() is not None else "done"
        return "running" if self.future.running() else "queued"

    @property
    def error(self) -> str:
        """Why the run failed (empty if it did not)."""
        if self.future.cancelled():
            return "the run was cancelled"
        exc = self.future.exception() if self.future.done() else None
        return "" if exc is None else str(exc)

    def progress(self) -> dict[str, Any]:
        """Plain data for a progress report."""
        return {
            "status": self.status,
            "draws": self.draws,
            "seed": self.seed,
            "done": self.done_draws,
            "seconds": round(time.monotonic() - self.started, 1),
        }


@dataclass(frozen=True)
class Upload:
    """The outcome of an uploaded file: a stored scenario's name, or its problems."""

    file: str
    name: str | None
    problems: list[Problem]
    loaded: LoadedScenario | None = None

    @property
    def valid(self) -> bool:
        return not self.problems


class Library:
    """Scenarios by name, their point forecasts, and Monte Carlo jobs."""

    def __init__(self, sources: Sequence[str | Path] | None = None, cache: int = 16) -> None:
        self._sources: dict[str, str | Path] = {}
        for s in builtin_scenarios() if sources is None else sources:
            self._sources[PurePath(str(s)).name.removesuffix(".yaml").removesuffix(".yml")] = s
        self._loaded: dict[str, LoadedScenario] = {}
        self._uploads: OrderedDict[str, LoadedScenario] = OrderedDict()
        self._forecasts: OrderedDict[tuple[str, str], Forecast] = OrderedDict()
        self._jobs: OrderedDict[tuple[str, str, int, int], Job] = OrderedDict()
        self._comparisons: dict[tuple[str, str], Any] = {}
        self._advice: OrderedDict[tuple[str, str, str, int, int], Any] = OrderedDict()
        self._outlooks: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._cache = cache
        self._lock = threading.RLock()
        self._pool: ThreadPoolExecutor | None = None

    # scenarios
    def names(self) -> list[str]:
        """Every scenario on offer: configured ones, then uploads (newest last)."""
        with self._lock:
            return [*self._sources, *self._uploads]

    def origin(self, name: str) -> str:
        """``"builtin"`` or ``"upload"``."""
        return "upload" if name in self._uploads else "builtin"

    def get(self, name: str) -> LoadedScenario:
        """The validated scenario of that name (:class:`NotFound` if none; ScenarioError if broken)."""
        with self._lock:
            if name in self._uploads:
                return self._uploads[name]
            if name in self._loaded:
                return self._loaded[name]
            if name not in self._sources:
                raise NotFound(name)
        loaded = load_scenario(self._sources[name])
        with self._lock:
            self._loaded[name] = loaded
        return loaded

    def check(self, data: bytes, filename: str | None) -> Upload:
        """Validate an uploaded file without keeping it (``name`` stays ``None``)."""
        file = _safe_filename(filename)
        try:
            loaded = parse_upload(data, file)
        except ScenarioError as exc:
            return Upload(file, None, exc.problems)
        return Upload(file, None, [], loaded)

    def upload(self, data: bytes, filename: str | None) -> Upload:
        """Validate an uploaded file; keep it under ``upload-<hash>`` if valid."""
        file = _safe_filename(filename)
        try:
            loaded = parse_upload(data, file)
        except ScenarioError as exc:
            return Upload(file, None, exc.problems)
        name = f"upload-{loaded.sha256[:12]}"
        with self._lock:
            self._uploads[name] = loaded
            self._uploads.move_to_end(name)
            while len(self._uploads) > MAX_UPLOADS:
                self._uploads.popitem(last=False)
        return Upload(file, name, [], loaded)

    # results
    def forecast(self, name: str) -> Forecast:
        """The point forecast (cached per scenario content)."""
        loaded = self.get(name)
        return self._memo(self._forecasts, (name, loaded.sha256), lambda: forecast(loaded))

    def comparison(self, name: str, paths: int = 1000, seed: int = 0) -> Any:
        """The policy comparison of a scenario with a deterrence section (cached per content), else ``None``."""
        loaded = self.get(name)
        if loaded.scenario.deterrence is None:
            return None
        key = (name, loaded.sha256)
        with self._lock:
            if key in self._comparisons:
                return self._comparisons[key]
        from standoff.experiments.policy import compare
        from standoff.history.default_fit import default_fit

        result = compare(loaded, default_fit().params, paths=paths, seed=seed)
        with self._lock:
            self._comparisons[key] = result
        return result

    def advice(self, name: str, actor: str, draws: int = ADVICE_DRAWS, seed: int = 0) -> Any:
        """An actor's (or an outside mediator's) ranked moves, cached per scenario content."""
        from standoff.experiments.advice import advise

        loaded = self.get(name)
        key = (name, loaded.sha256, actor, draws, seed)
        return self._memo(self._advice, key, lambda: advise(loaded, actor, draws=draws, seed=seed))

    def outlook(self, name: str) -> Any:
        """The questions' probabilities and every issue's sensitivity (cached per scenario content)."""
        from standoff.experiments.outlook import outlook

        loaded = self.get(name)
        return self._memo(self._outlooks, (name, loaded.sha256), lambda: outlook(loaded))

    def bottom_line(self, name: str) -> Any:
        """The bottom line of the point forecast (questions and sensitivity cached per scenario content).

        The best advised move of the standoff's first side is included once the
        advice has been computed (the Advice tab computes it on demand).
        """
        from standoff.experiments.advice import advice_subjects
        from standoff.presentation.bottom_line import bottom_line

        loaded = self.get(name)
        found = self.outlook(name)
        first = advice_subjects(loaded.scenario)[0]
        with self._lock:
            advice = self._advice.get((name, loaded.sha256, first, ADVICE_DRAWS, 0))
        if advice is not None:
            from dataclasses import replace

            found = replace(found, advice=advice)
        hint = "see the Advice tab (computed when first opened; it takes a few minutes)."
        return bottom_line(self.forecast(name), loaded.scenario, found, advice_hint=hint)

    def _memo(self, store: OrderedDict[Any, Any], key: Any, compute: Callable[[], Any]) -> Any:
        """``store[key]``, computed (outside the lock) if absent; the least recently used entries are dropped."""
        with self._lock:
            if key in store:
                store.move_to_end(key)
                return store[key]
        result = compute()
        with self._lock:
            store[key] = result
            while len(store) > self._cache:
                store.popitem(last=False)
        return result

    def monte_carlo(self, name: str, draws: int, seed: int) -> Job:
        """The Monte Carlo job for these settings, started in the background if new."""
        loaded = self.get(name)
        key = (name, loaded.sha256, draws, seed)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.status != "failed":
                self._jobs.move_to_end(key)
                return job
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="standoff-mc")
            job = Job(draws, seed, Future())
            job.future = self._pool.submit(monte_carlo, loaded, draws=draws, seed=seed, progress=job.progress_hook)
            self._jobs[key] = job
            while len(self._jobs) > self._cache:
                old_key, old = next(iter(self._jobs.items()))
                old.cancel()
                del self._jobs[old_key]
        return job

    def close(self) -> None:
        """Stop the background worker (queued runs are cancelled; a new run starts it again)."""
        with self._lock:
            pool, self._pool = self._pool, None
            for key in [k for k, job in self._jobs.items() if not job.future.done()]:
                self._jobs.pop(key).cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _safe_filename(filename: str | None) -> str:
    name = PurePath((filename or "upload.yaml").replace("\\", "/")).name or "upload.yaml"
    return "".join(c for c in name if c.isprintable())[:80] or "upload.yaml"


def parse_upload(data: bytes, file: str) -> LoadedScenario:
    """Validate an uploaded scenario: size, YAML size after aliases, built-in corpus only, then the format.

    Raises:
        ScenarioError: every problem found, each naming the file and field.
    """
    if len(data) > MAX_UPLOAD:
        raise ScenarioError([Problem(file, "", f"the file is {len(data):,} bytes; the limit is {MAX_UPLOAD:,}")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None  # the loader reports it
    if text is not None:
        _precheck(text, file)
    with tempfile.TemporaryDirectory(prefix="standoff-upload-") as empty:  # nothing to read beside an upload
        loaded = parse_scenario(data, name=file, base=Path(empty))
    from standoff.experiments.questions import unknown_engines  # the engines check the questions' sources

    unknown = unknown_engines(loaded.scenario)
    if unknown:
        raise ScenarioError([Problem(file, path, message) for path, message in unknown])
    return loaded


def _precheck(text: str, file: str) -> None:
    """Refuse uploads that name corpus files on this machine (the loader refuses deep or huge YAML)."""
    try:
        root = safeyaml.check(text)
    except (yaml.YAMLError, safeyaml.YamlRefused):
        return  # the loader reports it, with its position
    if not isinstance(root, yaml.MappingNode):
        return
    for key, value in root.value:
        if key.value == "corpus" and isinstance(value, yaml.SequenceNode):
            bad = [
                Problem(
                    file,
                    f"corpus[{k}]",
                    f"an uploaded scenario can cite only the built-in corpus ('builtin'), not {item.value!r}; "
                    "load scenarios with their own corpus from the command line",
                )
                for k, item in enumerate(value.value)
                if not (isinstance(item, yaml.ScalarNode) and item.value == "builtin")
            ]
            if bad:
                raise ScenarioError(bad)
