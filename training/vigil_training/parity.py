"""Parity between the reference scorer (scikit-learn / numpy) and onnxruntime on the same float32 rows.

Tolerance: |onnx - reference| <= 1e-5 * max(1, |reference|). For scores within [-1, 1] (the IsolationForest range
and normal PCA scores) that is the plain 1e-5 absolute bound; above it the bound is relative, because a float32
score of 1000 cannot be represented more precisely than ~6e-5. The TypeScript adapter applies the same rule.
"""

from __future__ import annotations

import numpy as np
import onnxruntime as ort

from .errors import TrainingError
from .onnx_contract import INPUT_NAME

TOLERANCE = 1e-5


def run_onnx(model_bytes: bytes, x: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # same arithmetic order run to run
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    (scores,) = session.run(None, {INPUT_NAME: np.ascontiguousarray(x, dtype=np.float32)})
    return np.asarray(scores, dtype=np.float32).reshape(-1)


def parity_excess(onnx_scores: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """How far each row is beyond the tolerance (<= 0 everywhere means parity holds)."""
    reference = np.asarray(reference, dtype=np.float64)
    diff = np.abs(np.asarray(onnx_scores, dtype=np.float64) - reference)
    return diff - TOLERANCE * np.maximum(1.0, np.abs(reference))


def check_parity(model_bytes: bytes, x: np.ndarray, reference: np.ndarray) -> dict[str, float | int]:
    onnx_scores = run_onnx(model_bytes, x)
    excess = parity_excess(onnx_scores, reference)
    diff = np.abs(onnx_scores.astype(np.float64) - reference)
    if (excess > 0).any():
        worst = int(np.argmax(excess))
        raise TrainingError(
            f"ONNX parity failed on {int((excess > 0).sum())} of {len(reference)} rows: row {worst} "
            f"reference {reference[worst]!r} onnx {float(onnx_scores[worst])!r} (tolerance {TOLERANCE} relative)"
        )
    return {"rows": int(len(reference)), "maxAbsDiff": float(diff.max()), "tolerance": TOLERANCE}
