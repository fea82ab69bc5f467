"""PCA process-monitoring detector: Hotelling's T² in the principal subspace + SPE (Q) on the residual.

Rows are standardised with the training mean/std, projected on the k leading components (k = smallest count
explaining >= `variance` of the training variance, at most F - 1 so a residual remains). T² = sum_k t_k² / lambda_k
catches moves along the normal correlation structure that are too large; SPE = ||z - z_hat||² catches rows that
break the correlations (each channel plausible alone, the combination not). Each statistic is divided by its
`limit_quantile` on the training rows, and the score is the larger ratio: about 1 = as unusual as the top
(1 - limit_quantile) of normal training rows.

Spread features (window standard deviations, `*.std`) enter on a log scale, log(std + eps) with eps 1% of the
feature's median non-zero training value. On the raw scale a std is dominated by load changes (hundreds of times
the sensor noise), so a sensor that stops moving (stuck: std exactly 0) was a small step inside the normal range
and went unseen (held-out stuck recall 0.06 for compressors at a 0.1% false-alert rate); on the log scale "no noise
at all" is as far from normal as a jump is, while a stopped machine (channels clamped at 0, also std 0) stays a
normal state the components learn, together with its other channels.

The ONNX graph is built by hand with onnx.helper and computes in float64 internally (cast in, cast out): the
statistics are sums of squares that can be large for anomalous rows, where float32 accumulation would drift from
the reference by more than the parity tolerance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.decomposition import PCA

from ..onnx_contract import INPUT_NAME, OPSET, OUTPUT_NAME, features_input, finalize, score_output


class PcaT2Spe:
    algorithm = "pca"

    def __init__(
        self,
        n_features: int,
        seed: int,
        variance: float = 0.9,
        limit_quantile: float = 0.99,
        log_features: Sequence[bool] | None = None,
    ):
        self.n_features = n_features
        self.seed = seed
        self.variance = variance
        self.limit_quantile = limit_quantile
        self.log_mask = np.zeros(n_features, dtype=bool) if log_features is None else np.array(log_features, bool)
        if self.log_mask.shape != (n_features,):
            raise ValueError(f"log_features has {self.log_mask.size} entries for {n_features} features")
        self.components = 0
        self._fit: dict[str, np.ndarray] | None = None

    def _log_offsets(self, x: np.ndarray) -> np.ndarray:
        """eps per feature: 1% of the median non-zero training value of a log feature (1 for the others)."""
        eps = np.ones(self.n_features)
        for j in np.flatnonzero(self.log_mask):
            positive = x[:, j][x[:, j] > 0]
            eps[j] = max(0.01 * float(np.median(positive)), 1e-9) if positive.size else 1.0
        return eps

    def _transform(self, x64: np.ndarray, eps: np.ndarray) -> np.ndarray:
        if not self.log_mask.any():
            return x64
        return np.where(self.log_mask, np.log(np.maximum(x64, 0.0) + eps), x64)

    def fit(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=np.float32).astype(np.float64)  # fit on what the runtime will see
        eps = self._log_offsets(x)
        x = self._transform(x, eps)
        mean = x.mean(axis=0)
        std = x.std(axis=0)
        std = np.where(std > 0, std, 1.0)  # a constant feature contributes nothing instead of dividing by zero
        z = (x - mean) / std
        full = PCA(svd_solver="full", random_state=self.seed).fit(z)
        cumulative = np.cumsum(full.explained_variance_ratio_)
        k = int(np.searchsorted(cumulative, self.variance) + 1)
        k = max(1, min(k, self.n_features - 1))
        self.components = k
        loadings = full.components_[:k].T.copy()  # [F, k]
        # Deterministic sign: the largest-magnitude loading of each component is positive (SVD signs are arbitrary).
        signs = np.sign(loadings[np.abs(loadings).argmax(axis=0), np.arange(k)])
        loadings *= np.where(signs == 0, 1.0, signs)
        self._fit = {
            "log_eps": eps,
            "mean": mean,
            "std": std,
            "center": full.mean_.copy(),
            "loadings": loadings,
            "eigenvalues": full.explained_variance_[:k].copy(),
            "t2_limit": np.ones(1),
            "spe_limit": np.ones(1),
        }
        t2, spe = self._statistics(x)  # x is transformed already
        self._fit["t2_limit"] = np.array([max(float(np.quantile(t2, self.limit_quantile)), 1e-12)])
        self._fit["spe_limit"] = np.array([max(float(np.quantile(spe, self.limit_quantile)), 1e-12)])

    def _params(self) -> dict[str, np.ndarray]:
        if self._fit is None:
            raise RuntimeError("fit() first")
        return self._fit

    def _statistics(self, x64: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """T² and SPE of rows already on the model's scale (`_transform`)."""
        p = self._params()
        z = (x64 - p["mean"]) / p["std"] - p["center"]
        t = z @ p["loadings"]
        t2 = ((t * t) / p["eigenvalues"]).sum(axis=1)
        residual = z - t @ p["loadings"].T
        spe = (residual * residual).sum(axis=1)
        return t2, spe

    def score(self, x: np.ndarray) -> np.ndarray:
        p = self._params()
        x64 = self._transform(np.asarray(x, dtype=np.float32).astype(np.float64), p["log_eps"])
        t2, spe = self._statistics(x64)
        return np.maximum(t2 / p["t2_limit"][0], spe / p["spe_limit"][0])

    def to_onnx(self) -> onnx.ModelProto:
        p = self._params()

        def const(name: str, value: np.ndarray) -> onnx.TensorProto:
            return numpy_helper.from_array(np.ascontiguousarray(value, dtype=np.float64), name)

        initializers = [
            const("mean", p["mean"]),
            const("std", p["std"]),
            const("center", p["center"]),
            const("loadings", p["loadings"]),
            const("loadings_t", p["loadings"].T),
            const("eigenvalues", p["eigenvalues"]),
            const("t2_limit", p["t2_limit"]),
            const("spe_limit", p["spe_limit"]),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "sum_axes"),
        ]
        n = helper.make_node
        nodes = [n("Cast", [INPUT_NAME], ["x64"], to=TensorProto.DOUBLE, name="to_double")]
        features = "x64"
        if self.log_mask.any():
            initializers += [
                const("log_eps", p["log_eps"]),
                const("zero", np.zeros(1)),
                numpy_helper.from_array(self.log_mask.copy(), "log_mask"),
            ]
            nodes += [
                n("Max", ["x64", "zero"], ["x_nonneg"], name="clip_negative"),
                n("Add", ["x_nonneg", "log_eps"], ["x_offset"], name="offset_spread"),
                n("Log", ["x_offset"], ["x_log"], name="log_spread"),
                n("Where", ["log_mask", "x_log", "x64"], ["x_model"], name="spread_on_log_scale"),
            ]
            features = "x_model"
        nodes += [
            n("Sub", [features, "mean"], ["x_centered"], name="center_features"),
            n("Div", ["x_centered", "std"], ["x_scaled"], name="scale_features"),
            n("Sub", ["x_scaled", "center"], ["z"], name="center_pca"),
            n("MatMul", ["z", "loadings"], ["t"], name="project"),
            n("Mul", ["t", "t"], ["t_sq"], name="square_scores"),
            n("Div", ["t_sq", "eigenvalues"], ["t_sq_norm"], name="normalise_scores"),
            n("ReduceSum", ["t_sq_norm", "sum_axes"], ["t2"], keepdims=0, name="hotelling_t2"),
            n("MatMul", ["t", "loadings_t"], ["z_hat"], name="reconstruct"),
            n("Sub", ["z", "z_hat"], ["residual"], name="residual"),
            n("Mul", ["residual", "residual"], ["residual_sq"], name="square_residual"),
            n("ReduceSum", ["residual_sq", "sum_axes"], ["spe"], keepdims=0, name="spe"),
            n("Div", ["t2", "t2_limit"], ["t2_ratio"], name="t2_ratio"),
            n("Div", ["spe", "spe_limit"], ["spe_ratio"], name="spe_ratio"),
            n("Max", ["t2_ratio", "spe_ratio"], ["score64"], name="combine"),
            n("Cast", ["score64"], [OUTPUT_NAME], to=TensorProto.FLOAT, name="to_float"),
        ]
        graph = helper.make_graph(
            nodes, "vigil_pca_t2_spe", [features_input(self.n_features)], [score_output()], initializers
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET[""])])
        return finalize(model, "vigil_pca_t2_spe")

    def params(self) -> dict[str, Any]:
        p = self._params()
        return {
            "variance": self.variance,
            "components": self.components,
            "limit_quantile": self.limit_quantile,
            "log_features": int(self.log_mask.sum()),
            "t2_limit": float(p["t2_limit"][0]),
            "spe_limit": float(p["spe_limit"][0]),
        }
