"""One definition of a test (docs/deterrence.md, "What counts as a test"), the same in the episode file and the
flagship scenario; the flagship's severity by capability component."""

from __future__ import annotations

from datetime import date

from standoff.engines.deterrence import DeterrenceParams
from standoff.history.episodes import iran_us_episodes
from standoff.scenario import load_scenario


def test_the_flagship_and_the_episode_file_agree_on_the_june_2025_case() -> None:
    sc = load_scenario("iran-2026").scenario
    assert sc.deterrence is not None
    june = next(e for e in iran_us_episodes() if e.episode_id == "IR-2025")
    assert june.shock_date == sc.deterrence.shock_date
    # The scenario keeps only paths with no test since the shock: the episode file must have none by as_of.
    assert not june.event
    assert date.fromordinal(june.shock_date.toordinal() + round(june.duration_months * 30.4375)) >= sc.as_of


def test_retaliation_inside_the_shocks_round_is_not_a_test() -> None:
    eps = {e.episode_id: e for e in iran_us_episodes()}
    assert eps["IR-2020"].next_challenge_date == date(2020, 3, 11)  # not Ain al-Asad, 2020-01-08
    assert eps["IR-2025"].next_challenge_date is None  # not al-Udeid, 2025-06-23


def test_the_flagship_codes_severity_by_component_from_its_quotes() -> None:
    det = load_scenario("iran-2026").scenario.deterrence
    assert det is not None and "severity" not in det.conditions
    by = {name.split(".", 1)[1]: q for name, q in det.conditions.items() if name.startswith("severity.")}
    assert set(by) == set(DeterrenceParams().components)
    assert by["nuclear"].value > by["missiles"].value > by["naval"].value
    for q in by.values():
        assert q.evidence and q.judgment
