"""No ex post column can reach a model's features."""

import subprocess
import sys

import numpy as np
import pytest

from standoff.core.icb import codebook
from standoff.core.icb.schema import FEATURES, Feature, check_sources
from standoff.history.icb.features import design, ex_ante_view, feature_frame
from standoff.history.icb.load import load_icb


@pytest.fixture(scope="module")
def data():
    return load_icb()


def test_declared_sources_are_ex_ante():
    check_sources()  # the shipped features
    with pytest.raises(ValueError, match="viol"):
        check_sources((*FEATURES, Feature("leak", ("viol",), "ordinal", "violence experienced")))
    with pytest.raises(ValueError, match="icb1.forout"):
        check_sources((Feature("leak", ("icb1.forout",), "nominal", "outcome"),))


def test_view_holds_no_ex_post_column(data):
    view = ex_ante_view(data.actors, data.crises)
    post = set(codebook.EX_POST["actor"]) | {f"icb1.{c}" for c in codebook.EX_POST["crisis"]}
    assert not post & set(view.columns)
    assert not {"response_date", "termination_date", "crisname"} & set(view.columns)


def test_scrambling_ex_post_columns_leaves_features_unchanged(data):
    """Permute every ex post column (and the dates derived from them): features and design must not move."""
    rng = np.random.default_rng(7)
    actors, crises = data.actors.copy(), data.crises.copy()
    for frame, level in ((actors, "actor"), (crises, "crisis")):
        for col in list(frame.columns):
            derived = col.endswith("_label") and col.removesuffix("_label") in codebook.EX_POST[level]
            if col in codebook.EX_POST[level] or derived or col.startswith(("response_", "termination_")):
                frame[col] = rng.permutation(frame[col].to_numpy())
    before = feature_frame(ex_ante_view(data.actors, data.crises))
    after = feature_frame(ex_ante_view(actors, crises))
    assert before.equals(after)
    assert np.array_equal(design(before)[0], design(after)[0])


def test_changing_an_ex_ante_column_does_move_features(data):
    """The check above can fail: the same scrambling applied to an ex ante column changes the features."""
    actors = data.actors.copy()
    actors["gravty"] = np.random.default_rng(7).permutation(actors["gravty"].to_numpy())
    before = feature_frame(ex_ante_view(data.actors, data.crises))
    assert not before.equals(feature_frame(ex_ante_view(actors, data.crises)))


def test_import_standoff_stays_light():
    code = (
        "import sys, standoff, standoff.scenario.model\n"
        "heavy = [m for m in ('pandas', 'sklearn', 'lifelines', 'standoff.history.icb.load') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
