"""The model card: everything the stream processor, the registry and a reviewer need to know about one model
version, as card.json (the contract, parsed by core/model/card.ts) and card.md (for people)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

CARD_VERSION = 1
PACKAGES = ("numpy", "scipy", "scikit-learn", "skl2onnx", "onnx", "onnxruntime", "pyarrow")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def code_commit() -> dict[str, Any]:
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "."], cwd=here, check=False).returncode != 0
        return {"commit": commit, "dirty": dirty}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown", "dirty": False}


def trained_by() -> str:
    try:
        return os.environ.get("VIGIL_TRAINED_BY") or getpass.getuser()
    except OSError:
        return "unknown"


def utc_now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def iso_ms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def card_json_bytes(card: dict[str, Any]) -> bytes:
    return (json.dumps(card, indent=2) + "\n").encode()


def _table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def card_markdown(card: dict[str, Any]) -> str:
    fs = card["featureSet"]
    ds = card["dataset"]
    m = card["metrics"]
    metric_rows = [["fault kind", "precision", "recall", "F1", "support"]]
    for kind, v in [("(all faults)", m["overall"]), *m["byFaultKind"].items()]:
        metric_rows.append([kind, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}", str(v["support"])])
    feature_rows = [["#", "feature"]] + [[str(i), f] for i, f in enumerate(fs["features"])]
    t = card["training"]
    return "\n".join(
        [
            f"# Model card: {card['name']} {card['version']}",
            "",
            f"- stream / asset type: `{card['stream']}` / `{card['assetType']}`",
            f"- algorithm: `{card['algorithm']}` with {json.dumps(card['params'])}",
            f"- threshold: anomaly iff `score > {card['threshold']}` "
            f"(the {card['thresholdRule']['quantile']} quantile of normal training scores)",
            f"- ONNX: `{card['onnx']['file']}` sha256 `{card['onnx']['sha256']}`, {card['onnx']['sizeBytes']} bytes, "
            f"input `{card['io']['input']['name']}` float32 {card['io']['input']['shape']}, "
            f"output `{card['io']['output']['name']}` float32 {card['io']['output']['shape']}",
            f"- feature set: `{fs['name']}` version {fs['version']} hash `{fs['hash']}`",
            f"- dataset: `{ds['file']}` sha256 `{ds['sha256']}`, {ds['rows']} rows from {iso_ms(ds['timeRange']['from'])}"
            f" to {iso_ms(ds['timeRange']['to'])}; trained on {ds['trainRows']} normal rows before"
            f" {iso_ms(ds['trainUntil'])}, evaluated on {ds['evalRows']} later rows",
            f"- parity: max |onnx - reference| = {card['parity']['maxAbsDiff']:.3g} over"
            f" {card['parity']['rowsChecked']} rows",
            f"- trained by {t['trainedBy']} at {t['trainedAt']}, seed {t['seed']}, code {t['code']['commit']}"
            + (" (uncommitted changes)" if t["code"]["dirty"] else ""),
            "",
            "## Held-out metrics (point-wise)",
            "",
            f"False-alert rate on normal held-out rows: {m['falseAlertRate']:.4f}.",
            "",
            _table(metric_rows),
            "",
            "## Features (input order)",
            "",
            _table(feature_rows),
            "",
        ]
    )
