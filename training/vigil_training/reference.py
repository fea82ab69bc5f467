"""Reference distributions for drift monitoring (PSI) and parity reference rows for the TypeScript runtime.

Histogram: `edges` are the interior cut points (deciles of the training values, deduplicated); bin 0 is
(-inf, edges[0]], bin i is (edges[i-1], edges[i]], the last bin is (edges[-1], +inf). `counts` has len(edges) + 1
entries. Open-ended outer bins mean every future value falls in some bin, which PSI needs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

BINS = 10


def histogram(values: np.ndarray) -> dict[str, Any]:
    values = np.asarray(values, dtype=np.float64)
    cuts = np.quantile(values, np.linspace(0, 1, BINS + 1)[1:-1])
    edges = np.unique(np.float32(cuts).astype(np.float64))
    counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1)
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def reference_histograms(features: np.ndarray, names: tuple[str, ...], scores: np.ndarray) -> dict[str, Any]:
    return {
        "rows": int(features.shape[0]),
        "features": {name: histogram(features[:, i]) for i, name in enumerate(names)},
        "score": histogram(scores),
    }


def parity_rows(features: np.ndarray, scores: np.ndarray, labels: np.ndarray, count: int = 8) -> np.ndarray:
    """Indices of a few rows for the parity reference: evenly spread normal rows plus the highest-scoring faults."""
    normal = np.flatnonzero(np.array([label is None for label in labels]))
    faults = np.flatnonzero(np.array([label is not None for label in labels]))
    n_faults = min(len(faults), count // 2)
    picked_normal = normal[np.linspace(0, len(normal) - 1, count - n_faults).astype(int)] if len(normal) else []
    picked_faults = faults[np.argsort(-scores[faults], kind="stable")[:n_faults]] if n_faults else []
    return np.sort(np.concatenate([np.asarray(picked_normal, int), np.asarray(picked_faults, int)]))
