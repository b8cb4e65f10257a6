"""Episode files: the shipped data, the coding rules, and validation errors with exact messages."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest

from standoff.history.episodes import (
    IRAN_US_CONTEXT,
    EpisodeFileError,
    builtin_episode_files,
    coercion_episodes,
    episodes_hash,
    iran_us_episodes,
    load_episodes,
    read_episodes,
    severity_from_label,
    support_from_label,
)


def _text(kind: str) -> str:
    name = builtin_episode_files()[kind]
    return resources.files("standoff").joinpath("data", "episodes", name).read_text(encoding="utf-8")


IRAN = _text("iran_us")
COERCION = _text("coercion")


# ---------------------------------------------------------------------------
# The shipped files
# ---------------------------------------------------------------------------


def test_iran_us_episodes_load_with_their_coding() -> None:
    eps = {e.episode_id: e for e in iran_us_episodes()}
    assert list(eps) == ["IR-1981", "IR-1988", "IR-2003", "IR-2020", "IR-2025"]
    assert {k: e.severity for k, e in eps.items()} == {
        "IR-1981": 0.15,
        "IR-1988": 0.9,
        "IR-2003": 0.35,
        "IR-2020": 0.15,
        "IR-2025": 0.425,
    }
    assert eps["IR-2025"].severity_components == {
        "nuclear sites": 0.7,
        "missile boats, mines, coastal batteries and drones": 0.15,
    }
    # Earliest test of either kind (days / 30.4375); a test as docs/deterrence.md defines it.
    assert eps["IR-1981"].duration_months == pytest.approx(545 / 30.4375, abs=1e-4)
    assert eps["IR-1981"].test_kind == "kinetic"  # the Dodge kidnapping: force against the defender's people
    assert eps["IR-1988"].duration_months == pytest.approx(98.2341, abs=1e-4)
    assert eps["IR-2003"].duration_months == pytest.approx(21.5852, abs=1e-4)
    # Ain al-Asad (5 days) was the declared retaliation inside the shock's round; the test is Camp Taji.
    assert eps["IR-2020"].next_challenge_date == date(2020, 3, 11)
    assert eps["IR-2020"].duration_months == pytest.approx(68 / 30.4375, abs=1e-4)
    # June 2025: al-Udeid was retaliation inside the war, the IAEA suspension rebuilt nothing: censored.
    assert not eps["IR-2025"].event and eps["IR-2025"].duration_months == pytest.approx(238 / 30.4375, abs=1e-4)
    assert all(e.event for k, e in eps.items() if k != "IR-2025")
    assert eps["IR-2003"].confidence == "high" and eps["IR-1988"].confidence == "low"
    # Conditions come from the documented context table.
    for k, e in eps.items():
        ctx = IRAN_US_CONTEXT[k]
        assert (e.support, e.economy, e.sanctions) == (ctx.support, ctx.economy, ctx.sanctions)
        assert e.context_note == ctx.evidence


def test_test_rule_prefers_a_kind_and_falls_back_to_the_other() -> None:
    kinetic = {e.episode_id: e for e in iran_us_episodes(test_rule="kinetic")}
    assert kinetic["IR-1981"].test_kind == "kinetic"
    assert kinetic["IR-1981"].next_challenge_date == date(1982, 7, 19)
    assert kinetic["IR-2003"].test_kind == "political"  # no kinetic test dated: not censored
    political = {e.episode_id: e for e in iran_us_episodes(test_rule="political")}
    assert political["IR-1981"].test_kind == "kinetic"  # no political test dated: falls back
    assert political["IR-1988"].test_kind == "kinetic"
    with pytest.raises(ValueError, match="test_rule must be"):
        iran_us_episodes(test_rule="any")  # type: ignore[arg-type]


def test_coercion_episodes_load_with_their_coding() -> None:
    eps = {e.episode_id: e for e in coercion_episodes()}
    assert len(eps) == 12 and "AQ-1998" not in eps
    all_eps = {e.episode_id: e for e in coercion_episodes(include_sensitivity=True)}
    assert all_eps["AQ-1998"].sensitivity_only and all_eps["AQ-1998"].confidence == "low"
    assert eps["LY-2003"].event is False and eps["LY-2003"].duration_months == 85.9
    assert eps["LY-2003"].next_challenge_date is None
    assert eps["IQ-1991"].severity == 0.95
    assert {k: eps[k].support for k in ("LY-1986", "LY-2003", "KP-1994", "SY-2013", "RS-1995", "HM-2012")} == {
        "LY-1986": 0.25,
        "LY-2003": 0.0,
        "KP-1994": 0.5,
        "SY-2013": 0.8,
        "RS-1995": 0.25,
        "HM-2012": 0.9,
    }
    assert eps["HZ-2006"].confidence == "low"  # JUDGMENT in the notes
    assert eps["RS-1995"].confidence == "medium"  # an alternative dating in the notes
    assert eps["HM-2012"].confidence == "high"
    assert all(e.economy is None and e.sanctions is None for e in eps.values())


def test_shipped_files_are_copies_of_the_collected_data() -> None:
    assert IRAN.splitlines()[0].startswith("episode_id,shock_date,shock,shock_severity_judgment")
    assert COERCION.splitlines()[0].startswith("case_id,target,coercer,shock_label,shock_date,severity_0_1")
    assert len(IRAN.strip().splitlines()) == 6 and len(COERCION.strip().splitlines()) == 14


def test_severity_and_support_rules() -> None:
    assert severity_from_label("very high") == (0.9, {})
    assert severity_from_label("moderate (threat, no strike)") == (0.35, {})
    assert severity_from_label("0.4") == (0.4, {})
    assert severity_from_label("high on A; very low on B") == (0.375, {"A": 0.7, "B": 0.05})
    for bad in ("", "catastrophic", "1.5", "high on"):
        with pytest.raises(ValueError):
            severity_from_label(bad)
    assert support_from_label("none") == 0.0
    assert support_from_label("China") == 0.5
    assert support_from_label("Iran/Qatar") == 0.6
    assert support_from_label("Russia (political)") == 0.25
    assert support_from_label("China/Russia/Iran") == 1.0


def test_hash_depends_on_the_data_not_the_layout() -> None:
    a = iran_us_episodes()
    b = read_episodes(IRAN.replace("\n", "\r\n"), "other-name.csv")
    assert episodes_hash(a) == episodes_hash(b)
    assert episodes_hash(a) != episodes_hash(a[:-1])
    assert episodes_hash(a).startswith("sha256:")


def test_load_from_a_file_and_add_columns(tmp_path) -> None:
    lines = COERCION.strip().splitlines()
    header = lines[0] + ",economy_0_1,sanctions_0_1,confidence"
    rows = [lines[1] + ",0.4,0.9,low"] + [line + ",,," for line in lines[2:]]
    path = tmp_path / "mine.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    eps = load_episodes(path)
    assert eps[0].source == "mine.csv"
    assert (eps[0].economy, eps[0].sanctions, eps[0].confidence) == (0.4, 0.9, "low")
    assert eps[1].economy is None


def test_an_ongoing_iran_us_episode_is_censored_at_its_censor_date() -> None:
    lines = IRAN.strip().splitlines()
    lines.append('IR-2030,2030-01-01,"A new shock",low,,,,,medium,"",2031-01-01')
    eps = read_episodes("\n".join(lines) + "\n", "ongoing.csv")
    last = eps[-1]
    assert last.event is False and last.next_challenge_date is None
    assert last.duration_months == pytest.approx(365 / 30.4375, abs=1e-4)
    assert last.support is None  # no context for an unknown episode: neutral in the engine


# ---------------------------------------------------------------------------
# Errors: file, row, column, what was expected
# ---------------------------------------------------------------------------


def _error(text: str, name: str = "bad.csv") -> str:
    with pytest.raises(EpisodeFileError) as exc:
        read_episodes(text, name)
    return str(exc.value)


def test_bad_date() -> None:
    assert _error(IRAN.replace("1988-04-18", "1988-04-31", 1)) == (
        "bad.csv, row 2 (IR-1988, line 3), column 'shock_date': expected a date as YYYY-MM-DD, got '1988-04-31'"
    )
    assert _error(COERCION.replace("2014-04-11", "11/04/2014", 1)) == (
        "bad.csv, row 6 (SY-2013, line 7), column 'next_challenge_date': expected a date as YYYY-MM-DD, "
        "got '11/04/2014'"
    )


def test_severity_out_of_range() -> None:
    assert _error(COERCION.replace(",0.95,", ",1.4,", 1)) == (
        "bad.csv, row 3 (IQ-1991, line 4), column 'severity_0_1': expected a number in [0, 1], got '1.4'"
    )
    assert _error(IRAN.replace("very high", "extreme", 1)) == (
        "bad.csv, row 2 (IR-1988, line 3), column 'shock_severity_judgment': expected a number in [0, 1] or one "
        "of: very low, low, moderate, medium, high, very high (optionally 'LEVEL on TARGETS; LEVEL on TARGETS'), "
        "got 'extreme'"
    )


def test_missing_column() -> None:
    assert _error(COERCION.replace("severity_0_1", "severity", 1)) == (
        "bad.csv, header: missing column 'severity_0_1'; expected the columns of a coercion episode file: "
        "case_id, target, coercer, shock_label, shock_date, severity_0_1, severity_reason, external_support, "
        "next_challenge_label, next_challenge_date, event, duration_months, censor_reason, icb_crisno, notes"
    )
    assert _error(IRAN.replace("dating_confidence", "confidence", 1)).startswith(
        "bad.csv, header: missing column 'dating_confidence'; expected the columns of a iran_us episode file:"
    )


def test_cross_column_checks() -> None:
    assert _error(COERCION.replace(",32.2,", ",30.0,", 1)) == (
        "bad.csv, row 1 (LY-1986, line 2), column 'duration_months': expected 32.2 (months from shock_date to "
        "next_challenge_date, within 0.2), got '30'"
    )
    assert _error(IRAN.replace("2020-03-11", "2019-12-30")) == (
        "bad.csv, row 4 (IR-2020, line 5), column 'first_kinetic_test_date': expected a date on or after the "
        "shock date 2020-01-03, got '2019-12-30'"
    )
    assert _error(IRAN.replace("IR-2003", "IR-1988")) == (
        "bad.csv, row 3 (IR-1988, line 4), column 'episode_id': expected a unique id (also on row 2), got 'IR-1988'"
    )
    no_test = IRAN.replace(",2005-08-08,Isfahan", ",,Isfahan", 1)
    assert _error(no_test) == (
        "bad.csv, row 3 (IR-2003, line 4), column 'censor_date': expected a censoring date when both test dates "
        "are blank, got ''"
    )


def test_every_problem_is_reported_and_nothing_is_returned() -> None:
    text = COERCION.replace(",0.95,", ",1.4,", 1).replace(",1,13.8,", ",2,13.8,", 1)
    with pytest.raises(EpisodeFileError) as exc:
        read_episodes(text, "two.csv")
    assert [(p.row, p.column) for p in exc.value.problems] == [(3, "severity_0_1"), (4, "event")]
    assert str(exc.value).splitlines()[1] == (
        "two.csv, row 4 (IQ-1996, line 5), column 'event': expected 0 (censored) or 1 (challenge observed), got '2'"
    )


def test_error_names_the_file_it_was_loaded_from(tmp_path) -> None:
    path = tmp_path / "episodes-2026.csv"
    path.write_text(IRAN.replace("1988-04-18", "88-04-18", 1), encoding="utf-8")
    with pytest.raises(EpisodeFileError, match=r"^episodes-2026\.csv, row 2 \(IR-1988, line 3\), column 'shock_date'"):
        load_episodes(path)
