"""StandardScaler + IsolationForest, exported with skl2onnx. score = -decision_function (higher = more anomalous).
64 trees by default: about 8 kB of ONNX per tree, so the model stays well under the 1 MB budget.

The scaler is folded into the trees' split thresholds at export (a split z_f <= t on the standardised feature is the
split x_f <= mean_f + scale_f * t on the raw one), and each threshold is rounded down to a float32. Why: the runtime
feeds float32 and compares in float32; an ONNX Scaler in float32 followed by float32 thresholds sends a few rows
down a different branch than scikit-learn's float64 pipeline does (score differences ~1e-3). With the folded,
float32-exact thresholds the exported model and the reference make exactly the same decisions.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import IsolationForest
from sklearn.preprocessing import StandardScaler

from ..onnx_contract import INPUT_NAME, OPSET, OUTPUT_NAME, finalize, prune_to_output


def _float32_floor(values: np.ndarray) -> np.ndarray:
    f32 = values.astype(np.float32)
    f32 = np.where(f32.astype(np.float64) > values, np.nextafter(f32, np.float32(-np.inf)), f32)
    return f32.astype(np.float64)


class ScaledIsolationForest:
    algorithm = "iforest"

    def __init__(self, n_features: int, seed: int, n_estimators: int = 64, max_samples: int = 256):
        self.n_features = n_features
        self.seed = seed
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self._forest: IsolationForest | None = None  # raw-space forest (scaler folded in)

    def fit(self, x: np.ndarray) -> None:
        scaler = StandardScaler().fit(x)
        forest = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=min(self.max_samples, x.shape[0]),
            contamination="auto",
            random_state=self.seed,
        ).fit(scaler.transform(x))
        folded = copy.deepcopy(forest)
        for estimator, columns in zip(folded.estimators_, folded.estimators_features_, strict=True):
            tree = estimator.tree_
            internal = tree.feature >= 0
            col = np.asarray(columns)[tree.feature[internal]]
            raw = scaler.mean_[col] + scaler.scale_[col] * tree.threshold[internal]
            # Tree arrays are views on the fitted tree: assigning in place rewrites its thresholds.
            tree.threshold[internal] = _float32_floor(raw)
        self._forest = folded

    def _fitted(self) -> IsolationForest:
        if self._forest is None:
            raise RuntimeError("fit() first")
        return self._forest

    def score(self, x: np.ndarray) -> np.ndarray:
        x32 = np.asarray(x, dtype=np.float32).astype(np.float64)
        return -self._fitted().decision_function(x32)

    def to_onnx(self) -> onnx.ModelProto:
        model = convert_sklearn(
            self._fitted(),
            name="iforest",
            initial_types=[(INPUT_NAME, FloatTensorType([None, self.n_features]))],
            target_opset=dict(OPSET),
        )
        graph = model.graph
        scores = next(o for o in graph.output if o.name != "label")
        flat_shape = helper.make_tensor("score_shape", TensorProto.INT64, [1], [-1])
        graph.initializer.append(flat_shape)
        graph.node.extend(
            [
                helper.make_node("Neg", [scores.name], ["neg_scores"], name="negate"),
                helper.make_node("Reshape", ["neg_scores", "score_shape"], [OUTPUT_NAME], name="flatten"),
            ]
        )
        del graph.output[:]
        graph.output.append(helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [None]))
        prune_to_output(graph, OUTPUT_NAME)
        return finalize(model, "vigil_iforest")

    def params(self) -> dict[str, Any]:
        return {
            "n_estimators": self.n_estimators,
            "max_samples": self.max_samples,
            "scaler": "standard (folded into thresholds)",
        }
