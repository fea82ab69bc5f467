"""The FastAPI + scikit-learn peer of POST /v1/score (bench/serving.ts runs it next to Vigil).

The same job for one asset's reading sequence: per reading, rolling event-time windows (default 1, 5 and 15 min)
with count, mean, std, min, max and last per channel; readings are scored once the sequence spans `warmup` of the
longest window (Vigil's default warm-up); an IsolationForest scores the vectors. To be fair it does what Vigil does
around the maths: the API key is checked (SHA-256 of the presented secret against the stored hash, constant-time
compare), and every call is audited to a local store (SQLite, WAL) with its inference rows.

    python score_service.py --port 8090 --train train.json --key-sha256 <hex> --store /tmp/peer.sqlite

`train.json`: {"sequences": [{"readings": [{"eventTime": ms, "channels": {...}}, ...]}, ...]}, sequences of normal
operation; the forest is fitted on their feature vectors at start-up (random_state 0) and the threshold is their
99th score percentile.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sqlite3
import threading
import time
import uuid

import numpy as np
import uvicorn
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field
from sklearn.ensemble import IsolationForest

STATS = ("count", "mean", "std", "min", "max", "last")


class Reading(BaseModel):
    eventTime: int = Field(ge=0)
    channels: dict[str, float]
    eventId: str | None = None


class Sequence(BaseModel):
    assetId: str = Field(min_length=1, max_length=128)
    assetType: str = Field(min_length=1, max_length=64)
    readings: list[Reading] = Field(min_length=1, max_length=50_000)


def window_features(
    times: np.ndarray, values: np.ndarray, windows_ms: list[int], warmup: float
) -> tuple[np.ndarray, np.ndarray]:
    """Feature vectors of the ready readings (indices, vectors): per window and channel, the STATS of the readings
    in (t - window, t]. Sums by prefix sums; min and max per ready row."""
    n, channels = values.shape
    ready = np.nonzero(times - times[0] >= warmup * max(windows_ms))[0]
    prefix = np.vstack([np.zeros((1, channels)), np.cumsum(values, axis=0)])
    prefix_sq = np.vstack([np.zeros((1, channels)), np.cumsum(values * values, axis=0)])
    blocks = []
    for w in windows_ms:
        start = np.searchsorted(times, times[ready] - w, side="right")
        end = ready + 1
        count = (end - start).astype(np.float64)[:, None]
        mean = (prefix[end] - prefix[start]) / count
        var = np.maximum((prefix_sq[end] - prefix_sq[start]) / count - mean * mean, 0.0)
        lo = np.empty((len(ready), channels))
        hi = np.empty((len(ready), channels))
        for k, (s, e) in enumerate(zip(start, end)):
            lo[k] = values[s:e].min(axis=0)
            hi[k] = values[s:e].max(axis=0)
        blocks += [np.repeat(count, channels, axis=1), mean, np.sqrt(var), lo, hi, values[ready]]
    return ready, np.hstack(blocks) if len(ready) else np.empty((0, len(windows_ms) * len(STATS) * channels))


def as_arrays(readings: list, channel_names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    ordered = sorted(readings, key=lambda r: r["eventTime"] if isinstance(r, dict) else r.eventTime)
    get = (lambda r, k: r[k]) if ordered and isinstance(ordered[0], dict) else getattr
    times = np.array([get(r, "eventTime") for r in ordered], dtype=np.int64)
    values = np.array(
        [[get(r, "channels").get(c, np.nan) for c in channel_names] for r in ordered], dtype=np.float64
    )
    # A missing channel carries its last value forward (Vigil keeps per-channel windows; this is the cheap stand-in).
    for j in range(values.shape[1]):
        column = values[:, j]
        mask = np.isnan(column)
        if mask.any():
            idx = np.where(~mask, np.arange(len(column)), 0)
            np.maximum.accumulate(idx, out=idx)
            values[:, j] = np.nan_to_num(column[idx])
    return times, values


class Store:
    """The audit trail and the inference rows, in SQLite (one writer: the single uvicorn worker)."""

    def __init__(self, path: str):
        # FastAPI runs sync handlers on its thread pool: one lock around the one connection.
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS audit (at REAL, key_id TEXT, route TEXT, status INTEGER, latency_ms REAL,"
            " request_id TEXT, inferences INTEGER)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS inferences (request_id TEXT, asset_id TEXT, event_time INTEGER, score REAL,"
            " anomaly INTEGER)"
        )

    def record(self, key_id: str, status: int, started: float, request_id: str, rows: list[tuple]) -> None:
        with self.lock, self.db:
            if rows:
                self.db.executemany("INSERT INTO inferences VALUES (?, ?, ?, ?, ?)", rows)
            self.db.execute(
                "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), key_id, "/v1/score", status, (time.perf_counter() - started) * 1000, request_id, len(rows)),
            )

    def count(self) -> int:
        with self.lock:
            return self.db.execute("SELECT count() FROM audit").fetchone()[0]


def build_app(train: dict, key_sha256: str, store: Store, windows_ms: list[int], warmup: float) -> FastAPI:
    sequences = [s["readings"] for s in train["sequences"]]
    channel_names = sorted({c for readings in sequences for r in readings for c in r["channels"]})
    train_vectors = np.vstack(
        [window_features(*as_arrays(readings, channel_names), windows_ms, warmup)[1] for readings in sequences]
    )
    forest = IsolationForest(n_estimators=100, random_state=0).fit(train_vectors)
    threshold = float(np.percentile(-forest.score_samples(train_vectors), 99))
    expected = bytes.fromhex(key_sha256)
    app = FastAPI(title="FastAPI + scikit-learn scoring peer")

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True, "trainedOn": int(len(train_vectors)), "features": int(train_vectors.shape[1])}

    @app.get("/audit/count")
    def audit_count() -> dict:
        return {"rows": store.count()}

    @app.post("/v1/score")
    def score(body: Sequence, authorization: str | None = Header(default=None)) -> dict:
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else ""
        if not hmac.compare_digest(hashlib.sha256(token.encode()).digest(), expected):
            store.record("", 401, started, request_id, [])
            raise HTTPException(status_code=401, detail="unknown key")
        times, values = as_arrays(body.readings, channel_names)
        ready, vectors = window_features(times, values, windows_ms, warmup)
        scores = -forest.score_samples(vectors) if len(vectors) else np.empty(0)
        rows = [
            (request_id, body.assetId, int(times[i]), float(s), int(s > threshold)) for i, s in zip(ready, scores)
        ]
        store.record(token[:12], 200, started, request_id, rows)
        scored = {int(times[i]): (float(s), bool(s > threshold)) for i, s in zip(ready, scores)}
        out_rows = [
            {"eventTime": int(t), "status": "scored", "score": scored[int(t)][0], "anomaly": scored[int(t)][1]}
            if int(t) in scored
            else {"eventTime": int(t), "status": "unscored"}
            for t in times
        ]
        return {
            "requestId": request_id,
            "summary": {
                "readings": len(times),
                "scored": len(rows),
                "anomalies": sum(r[4] for r in rows),
                "unscored": len(times) - len(rows),
            },
            "rows": out_rows,
        }

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--train", required=True, help="JSON file with the normal readings to fit the forest on")
    parser.add_argument("--key-sha256", required=True, help="hex SHA-256 of the one accepted API key")
    parser.add_argument("--store", required=True, help="SQLite file for the audit and inference rows")
    parser.add_argument("--windows", default="60000,300000,900000", help="window lengths in ms")
    parser.add_argument("--warmup", type=float, default=0.9, help="share of the longest window a sequence must span")
    args = parser.parse_args()
    with open(args.train, encoding="utf-8") as f:
        train = json.load(f)
    windows = [int(w) for w in args.windows.split(",")]
    app = build_app(train, args.key_sha256, Store(args.store), windows, args.warmup)
    uvicorn.run(app, host=args.host, port=args.port, workers=1, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
