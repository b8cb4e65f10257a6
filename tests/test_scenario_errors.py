"""Bad scenario input: each kind gets the exact error it must produce, and all at once."""

from pathlib import Path

import pytest

from standoff.scenario import ScenarioError, load_scenario

MINI = (Path(__file__).parent / "data" / "mini.yaml").read_text(encoding="utf-8")


def problems(tmp_path: Path, text: str | bytes) -> list[tuple[str, str]]:
    path = tmp_path / "bad.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert all(p.file == str(path) for p in info.value.problems)
    assert str(path) in str(info.value)
    return [(p.path, p.message) for p in info.value.problems]


def edit(old: str, new: str, count: int = 1) -> str:
    assert MINI.count(old) >= count, old
    return MINI.replace(old, new, count)


def test_the_mini_scenario_is_valid():
    assert len(load_scenario(Path(__file__).parent / "data" / "mini.yaml").scenario.actors) == 3


CASES = {
    "missing field": (
        edit("title: A three-actor test scenario\n", ""),
        [("title", "required field is missing")],
    ),
    "unknown actor": (
        edit("  - actor: president\n", "  - actor: premier\n"),
        [("stances[1](premier/enrichment).actor", "unknown actor id 'premier'; known actors: leader, president, usa")],
    ),
    "quote not in document": (
        edit("is non-negotiable", "is negotiable"),
        [
            (
                "stances[0](leader/enrichment).position.evidence[0].quote",
                'quote not found in document \'ruhe-2025\': "Araghchi says Iran\'s proclaimed "right" to enrich is negotiable"; '
                'the nearest passage is "Araghchi says Iran\'s proclaimed "right" to enrich is non-negotiable"',
            )
        ],
    ),
    "unknown document": (
        edit('doc: ruhe-2025\n        quote: "Araghchi', 'doc: ruhe-2052\n        quote: "Araghchi'),
        [
            (
                "stances[0](leader/enrichment).position.evidence[0].doc",
                "unknown document id 'ruhe-2052'; known documents: defiant-ahead-of-talks-2026, ruhe-2025",
            )
        ],
    ),
    "salience out of range": (
        edit("salience: {value: 0.5,", "salience: {value: 1.5,"),
        [("stances[1](president/enrichment).salience.value", "salience must be [0, 1], got 1.5")],
    ),
    "position outside the scale": (
        edit("position: {value: 70,", "position: {value: 170,"),
        [("stances[1](president/enrichment).position.value", "position must be [0, 100], got 170")],
    ),
    "negative capability": (
        edit("capability: {value: 20,", "capability: {value: -20,"),
        [("actors[1](president).capability.value", "capability must be >= 0, got -20")],
    ),
    "duplicate actor id": (
        edit("  - id: president\n", "  - id: leader\n"),
        [
            ("actors[1](leader).id", "duplicate actor id 'leader' (first at actors[0](leader))"),
            ("stances[1](president/enrichment).actor", "unknown actor id 'president'; known actors: leader, usa"),
        ],
    ),
    "duplicate stance": (
        edit("  - actor: president\n", "  - actor: usa\n"),
        [
            (
                "stances[2](usa/enrichment)",
                "duplicate stance of 'usa' on 'enrichment' (first at stances[1](usa/enrichment))",
            )
        ],
    ),
    "wrong type": (
        edit("value: 40\n", "value: high\n"),
        [
            (
                "actors[0](leader).capability.value",
                "Input should be a valid number, unable to parse string as a number (got 'high')",
            )
        ],
    ),
    "no evidence and no judgment": (
        edit('capability: {value: 20, judgment: "Elected executive; test value."}', "capability: {value: 20}"),
        [
            (
                "actors[1](president).capability",
                "every number needs evidence (doc and quote) or a judgment with its rationale",
            )
        ],
    ),
    "unknown field": (
        edit("    group: state\n", "    group: state\n    colour: blue\n"),
        [("actors[2](usa).colour", "unknown field (not part of the scenario format)")],
    ),
    "unknown group": (
        edit("    group: state\n", "    group: empire\n"),
        [
            (
                "actors[2](usa).group",
                "Input should be 'state', 'faction', 'organisation', 'movement', 'public' or "
                "'individual' (got 'empire')",
            )
        ],
    ),
    "value outside its own range": (
        edit("range: [50, 70]", "range: [10, 30]"),
        [("actors[2](usa).capability", "value 60.0 lies outside its range [10.0, 30.0]")],
    ),
    "scale without its anchors": (
        edit(
            "anchors: {0: none, 50: limited and inspected, 100: unconstrained}",
            "anchors: {0: none, 100: unconstrained}",
        ),
        [("issues[0](enrichment).scale", "anchors must say what the ends and the middle mean; missing [50.0]")],
    ),
    "veto on an unknown issue": (
        edit("      - issue: enrichment\n", "      - issue: missiles\n"),
        [("actors[0](leader).veto[0].issue", "unknown issue id 'missiles'; known issues: enrichment")],
    ),
    "veto read from a stance that does not exist": (
        edit(
            "issues:\n",
            "  - id: council\n    name: Council\n    group: organisation\n"
            '    capability: {value: 5, judgment: "test value for a small actor"}\n'
            '    veto: [{issue: enrichment, judgment: "test veto without a range"}]\nissues:\n',
        ),
        [
            (
                "actors[3](council).veto[0]",
                "a veto without a range is read from the actor's stance on the issue; "
                "give the actor a stance on it or give the veto a range",
            )
        ],
    ),
    "bad id": (
        edit("id: mini\n", "id: Mini Scenario\n"),
        [("id", "String should match pattern '^[a-z0-9][a-z0-9_\\-]*$' (got 'Mini Scenario')")],
    ),
    "bad date": (
        edit("as_of: 2026-02-15", "as_of: 2026-02-30"),
        [("as_of", "Input should be a valid date or datetime, day value is outside expected range (got '2026-02-30')")],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_gets_its_exact_error(tmp_path: Path, case: str):
    text, expected = CASES[case]
    assert problems(tmp_path, text) == expected


def test_empty_file(tmp_path: Path):
    assert problems(tmp_path, "  \n") == [
        ("", "the file is empty; expected a YAML mapping with id, title, actors, issues, stances")
    ]


def test_malformed_yaml(tmp_path: Path):
    assert problems(tmp_path, "id: x\nactors: [a, b\n") == [
        ("line 3, column 1", "malformed YAML: expected ',' or ']', but got '<stream end>'")
    ]


def test_yaml_tag_that_would_construct_a_python_object(tmp_path: Path):
    found = problems(tmp_path, "id: !!python/object/apply:os.system ['echo hacked']\n")
    assert found == [
        (
            "line 1, column 5",
            "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed "
            "(scenario files hold plain data only)",
        )
    ]


def test_duplicate_yaml_key(tmp_path: Path):
    text = edit("title: A three-actor test scenario\n", "title: A\ntitle: B\n")
    assert problems(tmp_path, text) == [
        ("line 3, column 1", "duplicate key 'title' (a key may appear once in a mapping)")
    ]


def test_top_level_must_be_a_mapping(tmp_path: Path):
    assert problems(tmp_path, "- a\n- b\n") == [("", "expected a YAML mapping at the top level, got list")]


def test_not_utf8(tmp_path: Path):
    data = MINI.encode("utf-8").replace(b"Supreme", b"Supr\xe9me")
    assert problems(tmp_path, data) == [
        ("", f"not UTF-8 text (byte {data.index(b'Supr') + 4}); save the file as UTF-8")
    ]


def test_missing_file_and_unknown_builtin(tmp_path: Path):
    with pytest.raises(ScenarioError, match="no such file, and no built-in scenario of that name"):
        load_scenario("no-such-scenario")
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_scenario(tmp_path / "absent.yaml")


def test_every_problem_is_reported_at_once(tmp_path: Path):
    text = (
        MINI.replace("value: 40\n", "value: high\n")
        .replace("  - actor: president\n", "  - actor: premier\n")
        .replace("is non-negotiable", "is negotiable")
        .replace("salience: {value: 0.5,", "salience: {value: 1.5,")
    )
    paths = [p for p, _ in problems(tmp_path, text)]
    assert paths == [
        "actors[0](leader).capability.value",
        "stances[1](premier/enrichment).actor",
        "stances[1](premier/enrichment).salience.value",
        "stances[0](leader/enrichment).position.evidence[0].quote",
    ]


def test_the_deterrence_conditions_a_scenario_may_set_are_the_engines_parameters():
    from dataclasses import fields

    from standoff.engines.deterrence import DeterrenceParams
    from standoff.scenario.model import DETERRENCE_CONDITIONS

    structure = {"components", "weights", "recovery_scale", "horizon", "severity_map"}
    by_component = {f"severity.{c}" for c in DeterrenceParams().components}
    assert set(DETERRENCE_CONDITIONS) == ({f.name for f in fields(DeterrenceParams)} - structure) | by_component


def test_a_question_source_naming_no_engine_is_reported():
    from standoff.experiments.questions import unknown_engines

    scenario = load_scenario("iran-2026").scenario
    assert unknown_engines(scenario) == []
    q = scenario.questions[0]
    bad_source = q.sources[0].model_copy(update={"engine": "nope"})
    bad = scenario.model_copy(update={"questions": [q.model_copy(update={"sources": [bad_source]})]})
    [(path, message)] = unknown_engines(bad)
    assert path == f"questions[0]({q.id}).sources[0].engine" and message.startswith("unknown engine id 'nope'")
    assert "expected_utility" in message


def test_a_quote_not_found_suggests_the_nearest_passage(tmp_path):
    from standoff.scenario import ScenarioError, load_scenario

    mini = Path(__file__).parent / "data" / "mini.yaml"
    bad = tmp_path / "q.yaml"
    bad.write_text(mini.read_text(encoding="utf-8").replace("he vetoed even fig-leaf", "he vetoed every fig-leaf"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bad)
    (problem,) = caught.value.problems
    assert 'the nearest passage is "he vetoed even fig-leaf concessions' in problem.message


def test_a_wrong_corpus_path_is_one_problem_naming_the_resolved_path(tmp_path):
    from standoff.scenario import ScenarioError, load_scenario

    mini = Path(__file__).parent / "data" / "mini.yaml"
    bad = tmp_path / "c.yaml"
    bad.write_text(mini.read_text(encoding="utf-8").replace("as_of:", "corpus: [nowhere/corpus.yaml]\nas_of:", 1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bad)
    problems = caught.value.problems
    assert str((tmp_path / "nowhere" / "corpus.yaml").resolve()) in problems[0].message
    assert not any(p.message.startswith("unknown document") for p in problems)
    assert len(problems) == 2
