"""Time split, threshold choice and point-wise evaluation against ground-truth labels.

Point-wise metrics per fault kind k, on the held-out (later) range: the rows considered are the normal rows plus
the rows labelled k; recall = flagged k rows / k rows; precision = flagged k rows / (flagged k rows + flagged normal
rows); F1 their harmonic mean. `overall` treats every fault kind as one positive class. Rows of other fault kinds
do not count against a kind's precision: a detector flags "anomalous", not which fault it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import TrainingError

MIN_TRAIN_ROWS = 50


@dataclass(frozen=True)
class Split:
    train_until_ms: int
    train: np.ndarray  # bool mask: earlier range, normal rows only
    evaluation: np.ndarray  # bool mask: later range, every row


def time_split(event_time_ms: np.ndarray, labels: np.ndarray, train_until_ms: int | None, fraction: float) -> Split:
    if train_until_ms is None:
        lo, hi = int(event_time_ms.min()), int(event_time_ms.max())
        train_until_ms = lo + int((hi - lo) * fraction)
    normal = np.array([label is None for label in labels])
    earlier = event_time_ms < train_until_ms
    split = Split(train_until_ms=train_until_ms, train=earlier & normal, evaluation=~earlier)
    if split.train.sum() < MIN_TRAIN_ROWS:
        raise TrainingError(
            f"only {int(split.train.sum())} normal rows before {train_until_ms}; need >= {MIN_TRAIN_ROWS} "
            "(move --train-until later)"
        )
    if split.evaluation.sum() == 0:
        raise TrainingError(f"no rows at or after {train_until_ms} to evaluate on (move --train-until earlier)")
    return split


def choose_threshold(train_scores: np.ndarray, false_alert_rate: float) -> float:
    """The (1 - rate) quantile of normal training scores, as float32 (the runtime compares float32 scores)."""
    if not 0 < false_alert_rate < 1:
        raise TrainingError(f"--false-alert-rate must be in (0, 1), got {false_alert_rate}")
    q = float(np.quantile(train_scores, 1.0 - false_alert_rate, method="higher"))
    return float(np.float32(q))


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 6), "recall": round(recall, 6), "f1": round(f1, 6), "support": tp + fn}


def pointwise_metrics(scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, Any]:
    flagged = np.asarray(scores, dtype=np.float32) > np.float32(threshold)
    normal = np.array([label is None for label in labels])
    false_alerts = int((flagged & normal).sum())
    by_kind: dict[str, Any] = {}
    for kind in sorted({label for label in labels if label is not None}):
        rows = labels == kind
        tp = int((flagged & rows).sum())
        by_kind[kind] = _prf(tp, false_alerts, int(rows.sum()) - tp)
    faults = ~normal
    tp_all = int((flagged & faults).sum())
    return {
        "rows": int(len(labels)),
        "normalRows": int(normal.sum()),
        "falseAlertRate": round(false_alerts / normal.sum(), 6) if normal.any() else 0.0,
        "overall": _prf(tp_all, false_alerts, int(faults.sum()) - tp_all),
        "byFaultKind": by_kind,
    }
