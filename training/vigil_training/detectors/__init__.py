"""Anomaly detectors. Each fits on normal training rows, scores in float64 from float32 inputs exactly as its ONNX
export does (so parity can be checked row by row), and exports one ONNX graph that meets the I/O contract."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import onnx


class Detector(Protocol):
    algorithm: str

    def fit(self, x: np.ndarray) -> None: ...

    def score(self, x: np.ndarray) -> np.ndarray:
        """Reference scores (float64, higher = more anomalous) of rows `x` as the ONNX model computes them."""
        ...

    def to_onnx(self) -> onnx.ModelProto: ...

    def params(self) -> dict[str, Any]: ...


def spread_features(feature_names: list[str] | None) -> list[bool] | None:
    """Which features are window standard deviations (`<channel>.w<window>.std`): PCA takes them on a log scale."""
    return None if feature_names is None else [name.endswith(".std") for name in feature_names]


def make_detector(algorithm: str, n_features: int, seed: int, feature_names: list[str] | None = None) -> Detector:
    from .iforest import ScaledIsolationForest
    from .pca import PcaT2Spe

    if algorithm == "iforest":
        return ScaledIsolationForest(n_features, seed)
    if algorithm == "pca":
        return PcaT2Spe(n_features, seed, log_features=spread_features(feature_names))
    raise ValueError(f"unknown algorithm {algorithm}")
