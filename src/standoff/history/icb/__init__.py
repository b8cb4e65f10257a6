"""The ICB crisis data (International Crisis Behavior, v14, crises triggered 1918–2007) as the outside view.

Modules: :mod:`~standoff.history.icb.codebook` (columns, labels, the ex ante / ex post split),
:mod:`~standoff.history.icb.load` (typed loader), :mod:`~standoff.history.icb.features` (ex ante features),
:mod:`~standoff.history.icb.outcomes` (the five questions), :mod:`~standoff.history.icb.models` (base rate,
regularised and plain logistic regression), :mod:`~standoff.history.icb.survival` (Kaplan–Meier,
Aalen–Johansen, cause-specific Cox), :mod:`~standoff.history.icb.reference` (nearest past crises),
:mod:`~standoff.history.icb.fitted` (fit all, cached), :mod:`~standoff.history.icb.backtest` (out of sample scores),
:mod:`~standoff.history.icb.outside_view` (a scenario's outside view). Nothing here imports the CLI, web or store.
"""
