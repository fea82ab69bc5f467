"""One training run: load the export, split by time, fit, pick a threshold, evaluate on the later range, export to
ONNX, check the contract and parity, write model.onnx + card.json + card.md, then log to MLflow."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import card as cards
from .dataset import Dataset, load_dataset
from .detectors import Detector, make_detector
from .errors import TrainingError
from .evaluation import choose_threshold, pointwise_metrics, time_split
from .onnx_contract import INPUT_NAME, OUTPUT_NAME, check_contract
from .parity import TOLERANCE, check_parity, run_onnx
from .reference import parity_rows, reference_histograms
from .tracking import log_run

MAX_MODEL_BYTES = 1_000_000
ALGORITHMS = ("iforest", "pca")
MODEL_FILE = "model.onnx"


@dataclass(frozen=True)
class TrainOptions:
    dataset: Path
    model_name: str
    out: Path
    seed: int = 0
    algorithm: str = "auto"
    train_until_ms: int | None = None
    train_fraction: float = 0.7
    false_alert_rate: float = 0.002
    asset_type: str | None = None
    stream: str | None = None
    model_version: str | None = None
    tracking: bool = True
    tracking_uri: str | None = None


@dataclass
class Candidate:
    detector: Detector
    threshold: float
    train_scores: np.ndarray
    metrics: dict[str, Any]


def _for_asset_type(ds: Dataset, asset_type: str | None) -> tuple[Dataset, str]:
    kinds = sorted(set(ds.asset_types.tolist()))
    if asset_type is None:
        if len(kinds) != 1:
            raise TrainingError(f"dataset holds asset types {kinds}: choose one with --asset-type")
        return ds, kinds[0]
    if asset_type not in kinds:
        raise TrainingError(f"dataset has no rows of asset type {asset_type} (it has {kinds})")
    return ds.select(ds.asset_types == asset_type), asset_type


def _fit(algorithm: str, ds: Dataset, train: np.ndarray, evaluation: np.ndarray, opts: TrainOptions) -> Candidate:
    detector = make_detector(algorithm, len(ds.feature_set.features), opts.seed, list(ds.feature_set.features))
    detector.fit(ds.features[train])
    train_scores = detector.score(ds.features[train])
    threshold = choose_threshold(train_scores, opts.false_alert_rate)
    metrics = pointwise_metrics(detector.score(ds.features[evaluation]), ds.labels[evaluation], threshold)
    return Candidate(detector, threshold, train_scores, metrics)


def train(opts: TrainOptions) -> dict[str, Any]:
    """Runs one training; returns the card. Raises TrainingError on bad input or a model that fails its checks."""
    if opts.algorithm not in (*ALGORITHMS, "auto"):
        raise TrainingError(f"--algorithm must be iforest, pca or auto, got {opts.algorithm}")
    ds, asset_type = _for_asset_type(load_dataset(opts.dataset), opts.asset_type)
    split = time_split(ds.event_time_ms, ds.labels, opts.train_until_ms, opts.train_fraction)

    names = ALGORITHMS if opts.algorithm == "auto" else (opts.algorithm,)
    candidates = {name: _fit(name, ds, split.train, split.evaluation, opts) for name in names}
    # Better held-out F1 wins; ties go to the later name in ALGORITHMS order (pca: smaller, explainable).
    best_name = max(names, key=lambda n: (candidates[n].metrics["overall"]["f1"], ALGORITHMS.index(n)))
    best = candidates[best_name]

    model = best.detector.to_onnx()
    check_contract(model, len(ds.feature_set.features))
    model_bytes = model.SerializeToString()
    if len(model_bytes) >= MAX_MODEL_BYTES:
        raise TrainingError(f"ONNX model is {len(model_bytes)} bytes, over the {MAX_MODEL_BYTES} budget")
    x32 = ds.features.astype(np.float32)
    parity = check_parity(model_bytes, x32, best.detector.score(x32))

    evaluation_idx = np.flatnonzero(split.evaluation)
    eval_onnx = run_onnx(model_bytes, x32[evaluation_idx])
    picked = evaluation_idx[parity_rows(x32[evaluation_idx], eval_onnx, ds.labels[evaluation_idx])]
    onnx_sha = hashlib.sha256(model_bytes).hexdigest()
    stream = opts.stream or ds.meta.get("stream") or opts.model_name.split("-", 1)[0]
    source = {k: ds.meta[k] for k in ("sourceTimeRange", "assets", "codeCommit") if k in ds.meta}

    card: dict[str, Any] = {
        "cardVersion": cards.CARD_VERSION,
        "name": opts.model_name,
        "version": opts.model_version or f"sha-{onnx_sha[:12]}",
        "stream": stream,
        "assetType": asset_type,
        "algorithm": best_name,
        "featureSet": ds.feature_set.to_json(),
        "io": {
            "input": {"name": INPUT_NAME, "dtype": "float32", "shape": [None, len(ds.feature_set.features)]},
            "output": {"name": OUTPUT_NAME, "dtype": "float32", "shape": [None]},
            "scoreDirection": "higher-is-more-anomalous",
        },
        "onnx": {
            "file": MODEL_FILE,
            "sha256": onnx_sha,
            "sizeBytes": len(model_bytes),
            "irVersion": model.ir_version,
            "opset": {(o.domain or "ai.onnx"): o.version for o in model.opset_import},
        },
        "threshold": best.threshold,
        "thresholdRule": {
            "method": "train-quantile",
            "falseAlertRate": opts.false_alert_rate,
            "quantile": round(1 - opts.false_alert_rate, 10),
        },
        "params": best.detector.params(),
        "dataset": {
            "file": ds.path.name,
            "sha256": ds.sha256,
            "rows": ds.rows,
            "timeRange": {"from": int(ds.event_time_ms.min()), "to": int(ds.event_time_ms.max())},
            "trainUntil": split.train_until_ms,
            "trainRows": int(split.train.sum()),
            "evalRows": int(split.evaluation.sum()),
            "assets": sorted(set(ds.keys.tolist())),
            "source": source,
        },
        "metrics": best.metrics,
        "candidates": {n: {"f1": c.metrics["overall"]["f1"], "threshold": c.threshold} for n, c in candidates.items()},
        "reference": reference_histograms(ds.features[split.train], ds.feature_set.features, best.train_scores),
        "parity": {
            "tolerance": TOLERANCE,
            "rule": "abs(onnx - expected) <= tolerance * max(1, abs(expected))",
            "rowsChecked": parity["rows"],
            "maxAbsDiff": parity["maxAbsDiff"],
            "rows": [[float(v) for v in x32[i]] for i in picked],
            "scores": [float(s) for s in run_onnx(model_bytes, x32[picked])],
        },
        "training": {
            "seed": opts.seed,
            "code": cards.code_commit(),
            "packages": cards.package_versions(),
            "trainedBy": cards.trained_by(),
            "trainedAt": cards.utc_now_iso(),
        },
    }

    opts.out.mkdir(parents=True, exist_ok=True)
    cards.write_atomically(opts.out / MODEL_FILE, model_bytes)
    cards.write_atomically(opts.out / "card.json", cards.card_json_bytes(card))
    cards.write_atomically(opts.out / "card.md", cards.card_markdown(card).encode())
    return card


def track(card: dict[str, Any], out: Path, uri: str) -> dict[str, Any]:
    return log_run(card, out, uri)
