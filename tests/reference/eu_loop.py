"""Independent loop reference of the expected-utility model.

The model is Bueno de Mesquita's expected-utility model of collective
decision making (Bueno de Mesquita 1985, 1994) as reconstructed by Scholz,
Calbert & Smith (2011), "Unravelling Bueno De Mesquita's group decision
model", Journal of Theoretical Politics 23(4).

This module is deliberately slow and plain: Python loops over actors, plain
floats and the ``math`` module, no vectorisation. It was written without
looking at the vectorised engine so that agreement between the two is
evidence that both are right. It is a test oracle, not production code.

Notation for one issue: actors i = 0..n-1 with position x_i, capability c_i
>= 0, salience s_i in [0, 1]; Delta (``span``) is the issue's scale range.
Q (``q``) is the probability that the status quo persists absent a
challenge, T (``t``) the probability that change without a challenge moves
toward the actor.

Readings implemented (decisions taken for the project, followed literally):

1. Weighted median: sort actors by position (stable sort, ties keep input
   order), weights w_i = c_i s_i; the forecast is the position of the first
   actor at which the running (left-to-right) sum of weights is
   >= 0.5 * total weight. Weighted mean = sum w_i x_i / sum w_i.
2. mu in U^b / U^w is the current forecast: weighted median of the current
   positions when ``mu="median"``, weighted mean when ``mu="mean"``.
3. Probability of success from third-party votes
   g_k(a, b) = c_k s_k ((|x_k - x_b| / Delta)^{r_k} - (|x_k - x_a| / Delta)^{r_k}),
   each voter using its own risk exponent r_k; k runs over all actors,
   including the two contenders.
   ``p_reading="scholz"``:   P_ij = sum_k max(0, g_k(i, j)) / sum_k sum_a sum_b |g_k(a, b)|
   (denominator over all ordered pairs of actors, a = b contributing 0);
   ``p_reading="pairwise"``: P_ij = sum_k max(0, g_k(i, j)) / sum_k |g_k(i, j)|
   (0 when the denominator is 0).
   In both readings P_ij = 0 when x_i == x_j (and P = 0 everywhere when the
   "scholz" denominator is 0, which forces every numerator to be 0 too).
4. Utilities of actor a about opponent b with exponent r, d = |x_a - x_b| / Delta,
   m = |x_a - mu| / Delta:
       U^s  = 2 - 4 (0.5 - 0.5 d)^r
       U^f  = 2 - 4 (0.5 + 0.5 d)^r
       U^b  = 2 - 4 (0.5 - 0.25 (m + d))^r
       U^w  = 2 - 4 (0.5 + 0.25 (m + d))^r
       U^sq = 2 - 4 (0.5)^r
   and eu(a, b, r) = s_b [P_ab U^s + (1 - P_ab) U^f] + (1 - s_b) U^s
                     - Q U^sq - (1 - Q) [T U^b + (1 - T) U^w],
   s_b read as the probability that b resists.
   Perspective: when actor i weighs its relation with j, both sides use i's
   exponent: U_i = eu(i, j, r_i) and U_j = eu(j, i, r_i). P always uses the
   voters' own exponents (reading 3).
5. Risk exponents each round: set all r = 1 and compute eu(j, i, 1) for all
   pairs; S_i = sum_{j != i} eu(j, i, 1); R_i = (2 S_i - max S - min S) /
   (max S - min S) (R_i = 0 for all when max S == min S, compared exactly);
   r_i = (1 - R_i/3) / (1 + R_i/3). Then every EU of the round is recomputed
   with these r (P recomputed with the voters' new r_k).
6. Offers received by i from each j != i, with U_i = eu(i, j, r_i) and
   U_j = eu(j, i, r_i):
     confrontation: U_j > U_i > 0                      -> x_j
     compromise:    U_j > 0 > U_i and U_j > |U_i|      -> x_i + (x_j - x_i) |U_i / U_j|
     capitulation:  U_j > 0 > U_i and U_j < |U_i|      -> x_j
     otherwise no offer from j.
   Choice among i's offers: by type first (confrontation, then compromise,
   then capitulation); within a type, ``offer_rank="smallest_move"`` takes
   the smallest |new - x_i| (ties: lowest j). ``offer_rank="scholz"`` ranks
   compromises instead by v = (|U_i| x_i + |U_j| x_j) / (|U_i| + |U_j|) and
   takes the offer whose v is closest to x_i (ties: lowest j), the move
   itself still being the compromise position above; confrontations and
   capitulations stay smallest move. An actor without offers stays. The new
   position is then clipped into the actor's veto interval, if it has one.
   All actors move simultaneously, from the positions at the start of the
   round.
7. One round = reset r to 1, forecast mu, risk exponents, recompute EU,
   classify, choose offers, move. Recorded per round: positions after the
   move, r, the n x n matrices U_i = eu(i, j, r_i) ("eu_own", row i, column
   j) and U_j = eu(j, i, r_i) ("eu_other", row i, column j), the n x n
   matrix of offer classes received by i from j, and the weighted median
   and weighted mean after the move. Diagonal entries (i == j) are recorded
   as 0.0 and "none" by convention (an actor makes no offer to itself).
8. Stopping, checked after each round t = 1, 2, ...: if the largest absolute
   position change in the round is <= tol * Delta, stop ("settled"); else if
   the weighted median has been unchanged (|change| <= tol * Delta) for
   ``patience`` consecutive rounds, stop ("stable"); else if t ==
   ``max_rounds``, stop ("cap").
"""

from __future__ import annotations

import math

OFFER_TYPES = ("confrontation", "compromise", "capitulation")


def weighted_median(position, weight):
    """Position of the first actor (sorted by position, stable) whose running
    weight reaches half the total weight."""
    n = len(position)
    order = sorted(range(n), key=lambda i: position[i])  # sorted() is stable
    total = 0.0
    for i in range(n):
        total += weight[i]
    half = 0.5 * total
    running = 0.0
    for i in order:
        running += weight[i]
        if running >= half:
            return position[i]
    return position[order[-1]]  # unreachable for non-negative weights


def weighted_mean(position, weight):
    num = 0.0
    den = 0.0
    for i in range(len(position)):
        num += weight[i] * position[i]
        den += weight[i]
    return num / den


def _power(base, exponent):
    # Bases are in [0, 1] by construction once positions lie within the span;
    # clamp only float noise below zero.
    if base < 0.0:
        base = 0.0
    return math.pow(base, exponent)


def _vote(k, a, b, x, c, s, r, span):
    """g_k(a, b): how much voter k prefers a's position to b's, weighted."""
    db = abs(x[k] - x[b]) / span
    da = abs(x[k] - x[a]) / span
    return c[k] * s[k] * (_power(db, r[k]) - _power(da, r[k]))


def probabilities(x, c, s, r, span, p_reading):
    """n x n matrix P[i][j] = probability that i beats j, voters' exponents r."""
    n = len(x)
    P = [[0.0] * n for _ in range(n)]
    if p_reading == "scholz":
        denominator = 0.0
        for k in range(n):
            for a in range(n):
                for b in range(n):
                    denominator += abs(_vote(k, a, b, x, c, s, r, span))
        for i in range(n):
            for j in range(n):
                if x[i] == x[j] or denominator == 0.0:
                    P[i][j] = 0.0
                    continue
                numerator = 0.0
                for k in range(n):
                    numerator += max(0.0, _vote(k, i, j, x, c, s, r, span))
                P[i][j] = numerator / denominator
    elif p_reading == "pairwise":
        for i in range(n):
            for j in range(n):
                if x[i] == x[j]:
                    P[i][j] = 0.0
                    continue
                numerator = 0.0
                denominator = 0.0
                for k in range(n):
                    g = _vote(k, i, j, x, c, s, r, span)
                    numerator += max(0.0, g)
                    denominator += abs(g)
                P[i][j] = numerator / denominator if denominator != 0.0 else 0.0
    else:
        raise ValueError(f"unknown p_reading {p_reading!r}")
    return P


def expected_utility(a, b, r, x, s, P, mu, span, q, t):
    """eu(a, b, r): expected utility to a of challenging b, utilities raised
    with exponent r; P[a][b] already computed with the voters' exponents."""
    d = abs(x[a] - x[b]) / span
    m = abs(x[a] - mu) / span
    u_success = 2.0 - 4.0 * _power(0.5 - 0.5 * d, r)
    u_failure = 2.0 - 4.0 * _power(0.5 + 0.5 * d, r)
    u_better = 2.0 - 4.0 * _power(0.5 - 0.25 * (m + d), r)
    u_worse = 2.0 - 4.0 * _power(0.5 + 0.25 * (m + d), r)
    u_status_quo = 2.0 - 4.0 * _power(0.5, r)
    p = P[a][b]
    resists = s[b]
    return (
        resists * (p * u_success + (1.0 - p) * u_failure)
        + (1.0 - resists) * u_success
        - q * u_status_quo
        - (1.0 - q) * (t * u_better + (1.0 - t) * u_worse)
    )


def risk_exponents(x, c, s, mu, span, q, t, p_reading):
    """Reading 5: danger S_i from an all-r=1 pass, then r_i in [0.5, 2]."""
    n = len(x)
    ones = [1.0] * n
    P1 = probabilities(x, c, s, ones, span, p_reading)
    S = [0.0] * n
    for i in range(n):
        for j in range(n):
            if j != i:
                S[i] += expected_utility(j, i, 1.0, x, s, P1, mu, span, q, t)
    s_max = max(S)
    s_min = min(S)
    r = [0.0] * n
    for i in range(n):
        if s_max == s_min:
            R = 0.0
        else:
            R = (2.0 * S[i] - s_max - s_min) / (s_max - s_min)
        r[i] = (1.0 - R / 3.0) / (1.0 + R / 3.0)
    return r


def classify(u_i, u_j):
    """Offer class received by i from j."""
    if u_j > u_i > 0.0:
        return "confrontation"
    if u_j > 0.0 > u_i and u_j > abs(u_i):
        return "compromise"
    if u_j > 0.0 > u_i and u_j < abs(u_i):
        return "capitulation"
    return "none"


def _as_floats(values, name):
    out = [float(v) for v in values]
    for v in out:
        if not math.isfinite(v):
            raise ValueError(f"{name} must be finite")
    return out


def eu_loop(
    position,
    salience,
    capability,
    span,
    *,
    q=1.0,
    t=1.0,
    p_reading="scholz",
    mu="median",
    offer_rank="smallest_move",
    veto=None,
    max_rounds=10,
    patience=3,
    tol=1e-9,
) -> dict:
    """Run the expected-utility model on one issue, one draw.

    Returns a dict with keys "positions" (rounds + 1 rows, row 0 = input),
    "median" and "mean" (one per row), "risk", "eu_own", "eu_other",
    "offers" (one entry per round), "stop" ("settled", "stable" or "cap")
    and "rounds".
    """
    x = _as_floats(position, "position")
    s = _as_floats(salience, "salience")
    c = _as_floats(capability, "capability")
    n = len(x)
    if n == 0 or len(s) != n or len(c) != n:
        raise ValueError("position, salience and capability must be non-empty and of equal length")
    span = float(span)
    if not span > 0.0:
        raise ValueError("span must be positive")
    if max(x) - min(x) > span:
        raise ValueError("positions spread wider than the span")
    for i in range(n):
        if c[i] < 0.0:
            raise ValueError("capability must be >= 0")
        if not 0.0 <= s[i] <= 1.0:
            raise ValueError("salience must lie in [0, 1]")
    if not (0.0 <= q <= 1.0 and 0.0 <= t <= 1.0):
        raise ValueError("q and t must lie in [0, 1]")
    if p_reading not in ("scholz", "pairwise"):
        raise ValueError(f"unknown p_reading {p_reading!r}")
    if mu not in ("median", "mean"):
        raise ValueError(f"unknown mu {mu!r}")
    if offer_rank not in ("smallest_move", "scholz"):
        raise ValueError(f"unknown offer_rank {offer_rank!r}")
    if max_rounds < 1 or patience < 1:
        raise ValueError("max_rounds and patience must be >= 1")
    if veto is None:
        veto = [None] * n
    if len(veto) != n:
        raise ValueError("veto must have one entry per actor")

    weight = [c[i] * s[i] for i in range(n)]
    total_weight = 0.0
    for w in weight:
        total_weight += w
    if not total_weight > 0.0:
        raise ValueError("total weight c * s must be positive")

    positions = [list(x)]
    medians = [weighted_median(x, weight)]
    means = [weighted_mean(x, weight)]
    risks, eu_own, eu_other, offers = [], [], [], []
    unchanged_streak = 0
    stop = "cap"
    rounds = 0

    for round_number in range(1, max_rounds + 1):
        rounds = round_number
        if max(x) - min(x) > span:  # possible only if a veto interval lies outside the span
            raise ValueError("positions spread wider than the span")
        # forecast used as mu in U^b / U^w
        forecast = weighted_median(x, weight) if mu == "median" else weighted_mean(x, weight)
        # risk exponents from an all-r=1 pass
        r = risk_exponents(x, c, s, forecast, span, q, t, p_reading)
        # recompute with the new exponents
        P = probabilities(x, c, s, r, span, p_reading)
        own = [[0.0] * n for _ in range(n)]
        other = [[0.0] * n for _ in range(n)]
        kinds = [["none"] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                own[i][j] = expected_utility(i, j, r[i], x, s, P, forecast, span, q, t)
                other[i][j] = expected_utility(j, i, r[i], x, s, P, forecast, span, q, t)
                # An actor at i's own position has nothing to offer: its EU is 0 in
                # exact arithmetic, and rounding must not make it an offer.
                kinds[i][j] = "none" if x[i] == x[j] else classify(own[i][j], other[i][j])

        new_x = list(x)
        for i in range(n):
            chosen = None
            for kind in OFFER_TYPES:
                best_key = None
                for j in range(n):
                    if j == i or kinds[i][j] != kind:
                        continue
                    u_i = own[i][j]
                    u_j = other[i][j]
                    if kind == "compromise":
                        target = x[i] + (x[j] - x[i]) * abs(u_i / u_j)
                    else:
                        target = x[j]
                    if kind == "compromise" and offer_rank == "scholz":
                        value = (abs(u_i) * x[i] + abs(u_j) * x[j]) / (abs(u_i) + abs(u_j))
                        key = abs(value - x[i])
                    else:
                        key = abs(target - x[i])
                    if best_key is None or key < best_key:  # strict: ties keep lowest j
                        best_key = key
                        chosen = target
                if chosen is not None:
                    break
            target = x[i] if chosen is None else chosen
            if veto[i] is not None:
                low, high = veto[i]
                target = min(max(target, float(low)), float(high))
            new_x[i] = target

        change = 0.0
        for i in range(n):
            change = max(change, abs(new_x[i] - x[i]))
        x = new_x
        positions.append(list(x))
        medians.append(weighted_median(x, weight))
        means.append(weighted_mean(x, weight))
        risks.append(list(r))
        eu_own.append(own)
        eu_other.append(other)
        offers.append(kinds)

        if abs(medians[-1] - medians[-2]) <= tol * span:
            unchanged_streak += 1
        else:
            unchanged_streak = 0
        if change <= tol * span:
            stop = "settled"
            break
        if unchanged_streak >= patience:
            stop = "stable"
            break
        if round_number == max_rounds:
            stop = "cap"
            break

    return {
        "positions": positions,
        "median": medians,
        "mean": means,
        "risk": risks,
        "eu_own": eu_own,
        "eu_other": eu_other,
        "offers": offers,
        "stop": stop,
        "rounds": rounds,
    }
