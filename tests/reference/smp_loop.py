"""A plain-loop reference of KTAB's spatial model of politics (default configuration).

One draw, Python floats, explicit loops over actors and options, sums taken
in KTAB's sequential order. It restates the equations of
``standoff.engines.smp`` independently of its array code, to check it and to
time it against. Slow (``O(n^3)`` Python steps per turn) by design.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Vector = list[float]


@dataclass(frozen=True)
class LoopRun:
    """Result of one run: ``trajectory[t][i][k]`` on ``[0, 1]``; per-turn lists by actor."""

    trajectory: list[list[Vector]]
    n_turns: int
    stop_reason: str
    risk: list[Vector]
    target: list[list[int]]
    target_prob: list[Vector]
    adopted: list[list[int]]


def _dist(ideal: Vector, pos: Vector, sal: Vector) -> float:
    num = 0.0
    den = 0.0
    for t, p, s in zip(ideal, pos, sal, strict=True):
        num += ((t - p) * s) ** 2
        den += s * s
    return math.sqrt(num / den)


def _util(d: float, r: float) -> float:
    if d <= 1.0:
        return (1.0 - d) * (1.0 + d * r)
    return (1.0 - d) * (1.0 + r)


def _condorcet(util: list[Vector], weight: Vector, options: list[int]) -> Vector:
    """Conditional Condorcet probabilities of ``options`` (columns of ``util[a]``)."""
    m = len(options)
    prob = [[0.5] * m for _ in range(m)]
    for x in range(m):
        for y in range(x):
            cxy = 1e-8
            cyx = 1e-8
            for a, ua in enumerate(util):
                v = weight[a] * (ua[options[x]] - ua[options[y]])
                if v > 0:
                    cxy += v
                if v < 0:
                    cyx -= v
            prob[x][y] = cxy / (cxy + cyx)
            prob[y][x] = cyx / (cxy + cyx)
    score = []
    for x in range(m):
        px = 1.0
        for y in range(m):
            px *= prob[x][y]
        score.append(px)
    total = sum(score)
    return [v / total for v in score]


def _round4(v: float) -> float:
    return math.floor(0.5 + v * 10000.0) / 10000.0


def _turn(
    cap: Vector, pos: list[Vector], sal: list[Vector]
) -> tuple[list[Vector], Vector, list[int], Vector, list[int]]:
    n = len(cap)
    s_tot = [sum(s) for s in sal]
    d = [[_dist(pos[a], pos[b], sal[a]) for b in range(n)] for a in range(n)]

    # Risk attitudes from the risk-neutral election over positions.
    p = _condorcet([[1.0 - d[a][b] for b in range(n)] for a in range(n)], cap, list(range(n)))
    p_min, p_max = min(p), max(p)
    if p_max > p_min:
        risk = [(3 * pi - (p_max + 2 * p_min)) / (2 * (p_max - p_min)) for pi in p]
    else:
        risk = [0.0] * n

    def u(h: int, a: int, b: int) -> float:
        return _util(d[a][b], (2.0 * risk[h] + risk[a]) / 3.0)

    # Each actor picks its best challenge, judged from its own perspective.
    target = [-1] * n
    target_prob = [math.nan] * n
    for i in range(n):
        best_gain = -1.0
        for j in range(n):
            if j == i:
                continue
            uii, uij, uji, ujj = u(i, i, i), u(i, i, j), u(i, j, i), u(i, j, j)
            con_i = s_tot[i] * cap[i] * (uii - uij)
            con_j = s_tot[j] * cap[j] * (uji - ujj)
            c_ij = 1e-10 + max(con_i, 0.0) + max(con_j, 0.0)
            c_ji = 1e-10 - min(con_i, 0.0) - min(con_j, 0.0)
            a_i, a_j = c_ij, c_ji
            for m in range(n):
                if m in (i, j):
                    continue
                umi, umj, umm = u(i, m, i), u(i, m, j), u(i, m, m)
                wm = s_tot[m] * cap[m]
                v = wm * (umi - umj)
                pim = (a_i + max(v, 0.0)) / (a_i + a_j + abs(v))
                pjm = 1.0 - pim
                e_i = pim * (umi + umi + umm) + pjm * (umj + umj + umj)
                e_j = pim * (umi + umi + umi) + pjm * (umj + umj + umm)
                t = wm * (e_i - e_j)
                if t > 0:
                    c_ij += t
                if t < 0:
                    c_ji -= t
            p_ij = c_ij / (c_ij + c_ji)
            p_ji = c_ji / (c_ij + c_ji)
            win, lose, sq = uii + uii, uij + uij, uii + uij
            gain = (1 - s_tot[j]) * win + s_tot[j] * (p_ij * win + p_ji * lose) - sq
            if gain > 1e-5 and gain > best_gain:
                best_gain = gain
                target[i] = j
                target_prob[i] = p_ij

    # Initiator-interpolated S2P2 bargains, one per challenger.
    bargains: dict[int, tuple[Vector, Vector]] = {}
    for i in range(n):
        j = target[i]
        if j < 0:
            continue
        pi_, pj_ = target_prob[i], 1.0 - target_prob[i]
        b_i, b_j = [], []
        for k in range(len(pos[i])):
            wi = sal[i][k] ** 2 * pi_**2
            wj = sal[j][k] ** 2 * pj_**2
            den = wi + 1e-6 + wj
            b_i.append(_round4(((wi + 1e-6) * pos[i][k] + wj * pos[j][k]) / den))
            b_j.append(_round4((wi * pos[i][k] + (1e-6 + wj) * pos[j][k]) / den))
        bargains[i] = (b_i, b_j)

    # Value to actor a of the status quo (column 0) and of bargain i (column 1 + i).
    value = []
    for a in range(n):
        row = [sum(u(a, a, m) for m in range(n)) / n]
        for i in range(n):
            if i not in bargains:
                row.append(math.nan)
                continue
            b_i, b_j = bargains[i]
            total = _util(_dist(pos[a], b_i, sal[a]), risk[a]) + _util(_dist(pos[a], b_j, sal[a]), risk[a])
            for m in range(n):
                if m != i and m != target[i]:
                    total += u(a, a, m)
            row.append(total / n)
        value.append(row)

    # Each actor elects among the status quo and the bargains it is part of.
    new_pos = []
    adopted = []
    for k in range(n):
        options = [0] + [1 + i for i in sorted(bargains) if i == k or target[i] == k]
        prob = _condorcet(value, cap, options)
        best = 0
        for x in range(1, len(options)):
            if prob[x] > prob[best]:
                best = x
        if best == 0:
            new_pos.append(list(pos[k]))
            adopted.append(-1)
        else:
            i = options[best] - 1
            new_pos.append(list(bargains[i][0] if i == k else bargains[i][1]))
            adopted.append(i)
    return new_pos, risk, target, target_prob, adopted


def smp_loop(cap: Vector, pos: list[Vector], sal: list[Vector], max_turns: int = 100) -> LoopRun:
    """Run the SMP on one scenario: ``cap[i]``, ``pos[i][k]``, ``sal[i][k]`` on ``[0, 1]``."""
    states = [[list(p) for p in pos]]
    risks, targets, probs, adopted = [], [], [], []
    first = 0.0
    reason = "max_turns"
    for turn in range(1, max_turns + 1):
        old = states[-1]
        new, risk, target, prob, adopt = _turn(list(cap), old, [list(s) for s in sal])
        states.append(new)
        risks.append(risk)
        targets.append(target)
        probs.append(prob)
        adopted.append(adopt)
        move = 0.0
        for a, b in zip(new, old, strict=True):
            move += math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))
        if turn == 1:
            first = move + 1e-4
        if turn >= 2 and move / first < 0.02:
            reason = "converged"
            break
    return LoopRun(states, len(states) - 1, reason, risks, targets, probs, adopted)
