"""PCA process-monitoring detector: Hotelling's T² in the principal subspace + SPE (Q) on the residual.

Rows are standardised with the training mean/std, projected on the k leading components (k = smallest count
explaining >= `variance` of the training variance, at most F - 1 so a residual remains). T² = sum_k t_k² / lambda_k
catches moves along the normal correlation structure that are too large; SPE = ||z - z_hat||² catches rows that
break the correlations (each channel plausible alone, the combination not). Each statistic is divided by its
`limit_quantile` on the training rows, and the score is the larger ratio: about 1 = as unusual as the top
(1 - limit_quantile) of normal training rows.

The ONNX graph is built by hand with onnx.helper and computes in float64 internally (cast in, cast out): the
statistics are sums of squares that can be large for anomalous rows, where float32 accumulation would drift from
the reference by more than the parity tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.decomposition import PCA

from ..onnx_contract import INPUT_NAME, OPSET, OUTPUT_NAME, features_input, finalize, score_output


class PcaT2Spe:
    algorithm = "pca"

    def __init__(self, n_features: int, seed: int, variance: float = 0.9, limit_quantile: float = 0.99):
        self.n_features = n_features
        self.seed = seed
        self.variance = variance
        self.limit_quantile = limit_quantile
        self.components = 0
        self._fit: dict[str, np.ndarray] | None = None

    def fit(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=np.float32).astype(np.float64)  # fit on what the runtime will see
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
            "mean": mean,
            "std": std,
            "center": full.mean_.copy(),
            "loadings": loadings,
            "eigenvalues": full.explained_variance_[:k].copy(),
            "t2_limit": np.ones(1),
            "spe_limit": np.ones(1),
        }
        t2, spe = self._statistics(x)
        self._fit["t2_limit"] = np.array([max(float(np.quantile(t2, self.limit_quantile)), 1e-12)])
        self._fit["spe_limit"] = np.array([max(float(np.quantile(spe, self.limit_quantile)), 1e-12)])

    def _params(self) -> dict[str, np.ndarray]:
        if self._fit is None:
            raise RuntimeError("fit() first")
        return self._fit

    def _statistics(self, x64: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self._params()
        z = (x64 - p["mean"]) / p["std"] - p["center"]
        t = z @ p["loadings"]
        t2 = ((t * t) / p["eigenvalues"]).sum(axis=1)
        residual = z - t @ p["loadings"].T
        spe = (residual * residual).sum(axis=1)
        return t2, spe

    def score(self, x: np.ndarray) -> np.ndarray:
        x64 = np.asarray(x, dtype=np.float32).astype(np.float64)
        t2, spe = self._statistics(x64)
        p = self._params()
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
        nodes = [
            n("Cast", [INPUT_NAME], ["x64"], to=TensorProto.DOUBLE, name="to_double"),
            n("Sub", ["x64", "mean"], ["x_centered"], name="center_features"),
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
            "t2_limit": float(p["t2_limit"][0]),
            "spe_limit": float(p["spe_limit"][0]),
        }
