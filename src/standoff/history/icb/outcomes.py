"""The five questions the outside view answers, read from ex post columns (never from features).

* ``violence_serious``: actor level ``viol`` >= 3 (serious clashes or full-scale war experienced by the actor);
* ``full_scale_war``: ``viol`` = 4;
* ``violent_response_30d``: the major response was violent (``majres`` 8 or 9) and came within 30 days of the
  trigger (``trgresra`` <= 30, the trigger day counting as day 1);
* ``lasts_over_90d``: the crisis lasted more than 90 days for the actor (``trgterra`` > 90);
* ``agreement``: the crisis as a whole ended in a formal or semi-formal agreement (system level ``forout`` 1 or 2),
  attached to each of its actors through ``crisno``. Every question is scored per crisis actor, so a crisis with
  many actors weighs more; scoring ``agreement`` per actor keeps one design matrix and one reference class for all
  five questions (documented in ``docs/outside-view.md``).

A row whose outcome columns are blank has no answer (NaN) and is left out of fitting and scoring that question.
:func:`response_events` and :func:`durations` give the time-to-event data behind the last two binary questions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

QUESTIONS = ("violence_serious", "full_scale_war", "violent_response_30d", "lasts_over_90d", "agreement")
VIOLENT_RESPONSE = (8, 9)


def outcomes(actors: pd.DataFrame, crises: pd.DataFrame) -> pd.DataFrame:
    """One column per question (1.0, 0.0 or NaN), one row per crisis actor, aligned with ``actors``."""
    viol, majres, resp, term = (actors[c].astype(float) for c in ("viol", "majres", "trgresra", "trgterra"))
    forout = actors["crisno"].map(crises.set_index("crisno")["forout"]).astype(float)
    out = pd.DataFrame(index=actors.index)
    out["violence_serious"] = (viol >= 3).astype(float).where(viol.notna())
    out["full_scale_war"] = (viol == 4).astype(float).where(viol.notna())
    violent = majres.isin(VIOLENT_RESPONSE)
    known = majres.notna() & (resp.notna() | ~violent)
    out["violent_response_30d"] = (violent & (resp <= 30)).astype(float).where(known)
    out["lasts_over_90d"] = (term > 90).astype(float).where(term.notna())
    out["agreement"] = forout.isin((1, 2)).astype(float).where(forout.notna())
    return out


def response_events(actors: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Days from trigger to major response and its kind: 1 violent, 2 non-violent (competing), NaN unknown."""
    majres, resp = actors["majres"].astype(float), actors["trgresra"].astype(float)
    kind = np.where(majres.isin(VIOLENT_RESPONSE), 1.0, 2.0)
    kind[(majres.isna() | resp.isna()).to_numpy()] = np.nan
    return resp.to_numpy(), kind


def durations(actors: pd.DataFrame) -> np.ndarray:
    """Days from the actor's trigger to its termination (``trgterra``; every spell in the data has ended)."""
    return actors["trgterra"].astype(float).to_numpy()
