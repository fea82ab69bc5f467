"""MLflow logging of a finished training run. Optional-safe: it runs after the model and card are written, and a
failure is returned (and printed by the CLI) instead of raised, so it can never corrupt or block the model output.
Tracking goes to MLFLOW_TRACKING_URI when set, else to a local file store ($VIGIL_DATA_DIR/mlruns)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any



def tracking_uri() -> str:
    """MLFLOW_TRACKING_URI, else a file store in $VIGIL_DATA_DIR/mlruns (VIGIL_DATA_DIR defaults to .vigil)."""
    local = Path(os.environ.get("VIGIL_DATA_DIR") or ".vigil") / "mlruns"
    return os.environ.get("MLFLOW_TRACKING_URI") or local.resolve().as_uri()


def _flatten(prefix: str, value: Any, out: dict[str, float]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out[prefix] = float(value)


def log_run(card: dict[str, Any], out_dir: Path, uri: str) -> dict[str, Any]:
    """Returns {"ok": True, "runId", "uri"} or {"ok": False, "error", "uri"}."""
    try:
        if uri.startswith("file:"):
            # MLflow 3 keeps the file store only on request; it is the dependency-free local default we want
            # (a database store would need SQLAlchemy, which mlflow-skinny does not bring).
            os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        import mlflow

        mlflow.set_tracking_uri(uri)
        mlflow.set_experiment(f"vigil/{card['name']}")
        with mlflow.start_run(run_name=f"{card['name']}@{card['version']}") as run:
            mlflow.log_params(
                {
                    "algorithm": card["algorithm"],
                    "seed": card["training"]["seed"],
                    "threshold": card["threshold"],
                    "featureSet": f"{card['featureSet']['name']}@{card['featureSet']['version']}",
                    "featureSetHash": card["featureSet"]["hash"],
                    "datasetSha256": card["dataset"]["sha256"],
                    **{f"param.{k}": v for k, v in card["params"].items()},
                }
            )
            metrics: dict[str, float] = {}
            _flatten("", card["metrics"], metrics)
            mlflow.log_metrics({k.replace(" ", "_"): v for k, v in metrics.items()})
            mlflow.set_tags({"vigil.onnxSha256": card["onnx"]["sha256"], "vigil.version": card["version"]})
            for name in (card["onnx"]["file"], "card.json", "card.md"):
                mlflow.log_artifact(str(out_dir / name))
            return {"ok": True, "runId": run.info.run_id, "uri": uri}
    except Exception as exc:  # noqa: BLE001 - reported to the caller, never swallowed
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}", "uri": uri}
