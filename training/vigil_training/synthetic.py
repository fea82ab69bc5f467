"""Synthetic training exports in exactly the format the TypeScript exporter writes (Parquet + `.meta.json`).

Normal behaviour: each pump follows a slowly varying load (AR(1)); flow, pressure, motor current, temperature and
vibration all follow the load, so the channels are strongly correlated. Three fault kinds are injected as episodes:
- bearing_wear: vibration rises (a marginal shift a univariate detector can see);
- seal_leak: flow drops while current and pressure keep following the load (each channel stays inside its normal
  range; only the broken correlation gives it away: the case the PCA residual (SPE) is built for);
- cavitation: pressure becomes noisy and drops, vibration rises a little.
Used by the tests and to build the example models in tests/fixtures/models/.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

PUMP_FEATURES = (
    "flow_mean_1m",
    "pressure_mean_1m",
    "pressure_std_5m",
    "current_mean_1m",
    "temperature_mean_5m",
    "vibration_rms_1m",
    "vibration_rms_5m",
    "speed_mean_1m",
)
FAULT_KINDS = ("bearing_wear", "seal_leak", "cavitation")
START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
STEP_MS = 60_000


def feature_set_hash(name: str, version: int, features: tuple[str, ...]) -> str:
    canonical = json.dumps({"name": name, "version": version, "features": list(features)}, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pump_series(rng: np.random.Generator, n: int) -> np.ndarray:
    load = np.empty(n)
    load[0] = 0.7
    shocks = rng.normal(0.0, 0.02, n)
    for i in range(1, n):
        load[i] = 0.7 + 0.97 * (load[i - 1] - 0.7) + shocks[i]
    load = np.clip(load, 0.3, 1.0)
    noise = rng.normal(size=(n, 8))
    flow = 50 + 40 * load + 0.6 * noise[:, 0]
    pressure = 3 + 2 * load + 0.03 * noise[:, 1]
    pressure_std = 0.05 + 0.005 * np.abs(noise[:, 2])
    current = 10 + 8 * load + 0.15 * noise[:, 3]
    temperature = 40 + 15 * load + 0.3 * noise[:, 4]
    vibration = 1.0 + 0.5 * load + 0.04 * noise[:, 5]
    padded = np.pad(vibration, (4, 0), mode="edge")  # trailing 5-minute mean, like the feature engine
    vibration_5m = np.convolve(padded, np.ones(5) / 5, mode="valid") + 0.01 * noise[:, 6]
    speed = 1450 + 30 * load + 2 * noise[:, 7]
    return np.column_stack([flow, pressure, pressure_std, current, temperature, vibration, vibration_5m, speed])


def _inject(rng: np.random.Generator, x: np.ndarray, labels: list[str | None], kind: str, start: int, length: int):
    seg = slice(start, start + length)
    ramp = np.linspace(0.5, 1.0, length)
    if kind == "bearing_wear":
        x[seg, 5] += 0.25 * ramp
        x[seg, 6] += 0.22 * ramp
    elif kind == "seal_leak":
        x[seg, 0] -= 10.0 * ramp
    elif kind == "cavitation":
        x[seg, 1] -= 0.12 * ramp
        x[seg, 2] += 0.03 * ramp + 0.01 * np.abs(rng.normal(size=length))
        x[seg, 5] += 0.08 * ramp
    for i in range(start, start + length):
        labels[i] = kind


def make_pump_dataset(
    path: str | Path,
    *,
    seed: int = 7,
    assets: int = 4,
    rows_per_asset: int = 3000,
    episodes_per_asset: int = 6,
    feature_set_name: str = "sensors-pump",
    feature_set_version: int = 1,
) -> Path:
    """Writes `path` and `path.meta.json`; returns the Parquet path."""
    rng = np.random.default_rng(seed)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    keys: list[str] = []
    times: list[int] = []
    labels: list[str | None] = []
    blocks: list[np.ndarray] = []
    asset_ids = [f"pump-{i:03d}" for i in range(assets)]
    for asset in asset_ids:
        x = _pump_series(rng, rows_per_asset)
        asset_labels: list[str | None] = [None] * rows_per_asset
        # Episodes spread evenly over time so that both the training and the held-out range contain every kind.
        slot = rows_per_asset // episodes_per_asset
        for e in range(episodes_per_asset):
            kind = FAULT_KINDS[(e + asset_ids.index(asset)) % len(FAULT_KINDS)]
            length = int(rng.integers(40, 90))
            start = e * slot + int(rng.integers(10, max(11, slot - length - 10)))
            _inject(rng, x, asset_labels, kind, start, length)
        keys += [asset] * rows_per_asset
        times += [START_MS + i * STEP_MS for i in range(rows_per_asset)]
        labels += asset_labels
        blocks.append(x)
    values = np.vstack(blocks)
    columns = {
        "key": pa.array(keys, pa.string()),
        "event_time": pa.array(times, pa.timestamp("ms")),
        "asset_type": pa.array(["pump"] * len(keys), pa.string()),
        "label": pa.array(labels, pa.string()),
    }
    for i, name in enumerate(PUMP_FEATURES):
        columns[name] = pa.array(values[:, i], pa.float64())
    pq.write_table(pa.table(columns), out, compression="zstd")
    meta = {
        "featureSet": {
            "name": feature_set_name,
            "version": feature_set_version,
            "hash": feature_set_hash(feature_set_name, feature_set_version, PUMP_FEATURES),
            "features": list(PUMP_FEATURES),
        },
        "stream": "sensors",
        "assetType": "pump",
        "sourceTimeRange": {"from": START_MS, "to": START_MS + (rows_per_asset - 1) * STEP_MS},
        "assets": asset_ids,
        "codeCommit": "synthetic",
        "generator": {"name": "vigil_training.synthetic.make_pump_dataset", "seed": seed},
    }
    out.with_name(out.name + ".meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return out
