"""Reads a training export: a Parquet file (one row per scored event) plus its `<file>.meta.json` sidecar.

Parquet columns: `key` (string), `event_time` (timestamp or epoch-ms integer), `asset_type` (string), `label`
(nullable string: the fault kind from ground truth, null = normal) and one Float64 column per feature, named as in
the feature set. The sidecar carries the feature set {name, version, hash, features} and lineage (source time range,
assets, code commit). Rows are sorted by (event_time, key) so that everything downstream is independent of the
order in which the exporter wrote them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import TrainingError

REQUIRED_COLUMNS = ("key", "event_time", "asset_type", "label")


@dataclass(frozen=True)
class FeatureSet:
    name: str
    version: int | str
    hash: str
    features: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "hash": self.hash, "features": list(self.features)}


@dataclass(frozen=True)
class Dataset:
    path: Path
    sha256: str
    feature_set: FeatureSet
    meta: dict[str, Any]
    keys: np.ndarray  # object array of str
    event_time_ms: np.ndarray  # int64
    asset_types: np.ndarray  # object array of str
    labels: np.ndarray  # object array of str | None
    features: np.ndarray  # float64 [n, F], columns in feature-set order

    @property
    def rows(self) -> int:
        return int(self.features.shape[0])

    def select(self, mask: np.ndarray) -> Dataset:
        return Dataset(
            path=self.path,
            sha256=self.sha256,
            feature_set=self.feature_set,
            meta=self.meta,
            keys=self.keys[mask],
            event_time_ms=self.event_time_ms[mask],
            asset_types=self.asset_types[mask],
            labels=self.labels[mask],
            features=self.features[mask],
        )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sidecar_path(parquet: Path) -> Path:
    return parquet.with_name(parquet.name + ".meta.json")


def _read_feature_set(meta: dict[str, Any], where: Path) -> FeatureSet:
    fs = meta.get("featureSet")
    if not isinstance(fs, dict):
        raise TrainingError(f"{where}: missing object 'featureSet' {{name, version, hash, features}}")
    missing = [k for k in ("name", "version", "hash", "features") if k not in fs]
    if missing:
        raise TrainingError(f"{where}: featureSet lacks {', '.join(missing)}")
    features = fs["features"]
    if not isinstance(features, list) or not features or not all(isinstance(f, str) and f for f in features):
        raise TrainingError(f"{where}: featureSet.features must be a non-empty list of feature names")
    if len(set(features)) != len(features):
        raise TrainingError(f"{where}: featureSet.features has duplicate names")
    if not isinstance(fs["hash"], str) or not fs["hash"]:
        raise TrainingError(f"{where}: featureSet.hash must be a non-empty string")
    return FeatureSet(name=str(fs["name"]), version=fs["version"], hash=fs["hash"], features=tuple(features))


def _event_time_ms(column: pa.ChunkedArray, where: Path) -> np.ndarray:
    if pa.types.is_timestamp(column.type):
        return column.cast(pa.timestamp("ms")).cast(pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64)
    if pa.types.is_integer(column.type):
        return column.cast(pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64)
    raise TrainingError(f"{where}: column event_time must be a timestamp or epoch milliseconds, got {column.type}")


def load_dataset(path: str | Path) -> Dataset:
    parquet = Path(path)
    if not parquet.is_file():
        raise TrainingError(f"dataset {parquet} does not exist")
    side = sidecar_path(parquet)
    if not side.is_file():
        raise TrainingError(f"dataset sidecar {side} does not exist (the exporter writes it next to the Parquet file)")
    try:
        meta = json.loads(side.read_text())
    except json.JSONDecodeError as exc:
        raise TrainingError(f"{side}: not valid JSON ({exc})") from exc
    feature_set = _read_feature_set(meta, side)

    try:
        table = pq.read_table(parquet)
    except (pa.ArrowInvalid, OSError) as exc:
        raise TrainingError(f"{parquet}: not a readable Parquet file ({exc})") from exc
    missing = [c for c in (*REQUIRED_COLUMNS, *feature_set.features) if c not in table.column_names]
    if missing:
        raise TrainingError(f"{parquet}: missing columns {', '.join(missing)}")
    if table.num_rows == 0:
        raise TrainingError(f"{parquet}: no rows")

    for name in feature_set.features:
        col = table.column(name)
        if not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
            raise TrainingError(f"{parquet}: feature column {name} must be numeric, got {col.type}")
        if col.null_count:
            raise TrainingError(f"{parquet}: feature column {name} has {col.null_count} nulls")
    features = np.column_stack(
        [table.column(n).cast(pa.float64()).to_numpy(zero_copy_only=False) for n in feature_set.features]
    ).astype(np.float64)
    bad = ~np.isfinite(features)
    if bad.any():
        cols = [feature_set.features[i] for i in np.flatnonzero(bad.any(axis=0))]
        raise TrainingError(f"{parquet}: {int(bad.any(axis=1).sum())} rows have NaN/inf in {', '.join(cols)}")

    event_time = _event_time_ms(table.column("event_time"), parquet)
    keys = np.array(table.column("key").cast(pa.string()).to_pylist(), dtype=object)
    asset_types = np.array(table.column("asset_type").cast(pa.string()).to_pylist(), dtype=object)
    labels = np.array(table.column("label").cast(pa.string()).to_pylist(), dtype=object)

    order = np.lexsort((keys.astype(str), event_time))
    return Dataset(
        path=parquet,
        sha256=sha256_file(parquet),
        feature_set=feature_set,
        meta=meta,
        keys=keys[order],
        event_time_ms=event_time[order],
        asset_types=asset_types[order],
        labels=labels[order],
        features=np.ascontiguousarray(features[order]),
    )
