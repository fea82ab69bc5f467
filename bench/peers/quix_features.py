"""The Quix Streams peer: the same feature windows as Vigil on the same topic, for an events/s figure.

Per asset (the record key) and per channel: count, mean, std, min and max over sliding event-time windows of
1, 5 and 15 minutes (record timestamp = event time), 30 s grace (Vigil's allowed lateness). A subset of Vigil's
per-channel features (Vigil adds last, delta, slope, EWMA, z-score, missing rate and derived channels), no model,
no sink: Quix's own state (RocksDB + changelog topics, its defaults) is its durability.
Values are Avro in the Confluent wire format, decoded with fastavro against schemas/sensor-reading.avsc.

    python quix_features.py --broker 127.0.0.1:9092 --topic T --records N --schema schemas/sensor-reading.avsc

--windows sliding (default): Quix's sliding windows, the same semantics as Vigil (features at every event over
the last 1/5/15 min). Quix updates every overlapping window per event, so its cost grows with the window length.
--windows hopping: hopping windows with a 1-minute step (tumbling for the 1-minute window) (Quix's usual choice; coarser: features move per minute).
--max-seconds bounds the run: the rate is taken over the events processed by then.

Prints one JSON line: {"events": N, "seconds": s, "eventsPerSecond": r, "windows": "sliding"}.
"""

import argparse
import io
import json
import math
import os
import sys
import tempfile
import time
import uuid

import fastavro
from quixstreams import Application
from quixstreams.models.serializers import Deserializer

WINDOWS_MS = (60_000, 300_000, 900_000)
GRACE_MS = 30_000


class ConfluentAvro(Deserializer):
    """Magic byte + 4-byte schema id + Avro body (the writer schema is the reader schema here)."""

    def __init__(self, schema_path: str):
        super().__init__()
        with open(schema_path, encoding="utf8") as f:
            self._schema = fastavro.parse_schema(json.load(f))

    def __call__(self, value: bytes, ctx):
        return fastavro.schemaless_reader(io.BytesIO(value[5:]), self._schema)


def initializer(reading):
    return reducer({}, reading)


def reducer(acc, reading):
    for name, v in reading["channels"].items():
        if v is None or math.isnan(v):
            continue
        s = acc.get(name)
        if s is None:
            acc[name] = [1, v, v * v, v, v]
        else:
            s[0] += 1
            s[1] += v
            s[2] += v * v
            if v < s[3]:
                s[3] = v
            if v > s[4]:
                s[4] = v
    return acc


def features(window):
    out = {}
    for name, (n, total, squares, lo, hi) in window["value"].items():
        mean = total / n
        out[name] = (mean, math.sqrt(max(0.0, squares / n - mean * mean)), lo, hi)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--broker", required=True)
    p.add_argument("--topic", required=True)
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--schema", required=True)
    p.add_argument("--windows", choices=("sliding", "hopping"), default="sliding")
    p.add_argument("--max-seconds", type=float, default=120.0)
    a = p.parse_args()

    state_dir = tempfile.mkdtemp(prefix="vigil-quix-")
    app = Application(
        broker_address=a.broker,
        consumer_group=f"bench-quix-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        state_dir=state_dir,
        loglevel="WARNING",
    )
    topic = app.topic(a.topic, value_deserializer=ConfluentAvro(a.schema))
    sdf = app.dataframe(topic)
    progress = {"n": 0, "first": None, "last": None}

    def count(_value):
        if progress["first"] is None:
            progress["first"] = time.perf_counter()
        progress["n"] += 1
        if progress["n"] >= a.records or time.perf_counter() - progress["first"] > a.max_seconds:
            progress["last"] = time.perf_counter()
            app.stop()

    for duration in WINDOWS_MS:
        if a.windows == "sliding":
            windowed = sdf.sliding_window(duration_ms=duration, grace_ms=GRACE_MS)
        elif duration <= 60_000:  # a window as long as the step is a tumbling window
            windowed = sdf.tumbling_window(duration_ms=duration, grace_ms=GRACE_MS)
        else:
            windowed = sdf.hopping_window(duration_ms=duration, step_ms=60_000, grace_ms=GRACE_MS)
        windowed.reduce(reducer, initializer).current().apply(features)
    sdf = sdf.update(count)
    app.run()
    seconds = (progress["last"] or time.perf_counter()) - (progress["first"] or time.perf_counter())
    rate = progress["n"] / max(seconds, 1e-9)
    print(json.dumps({"events": progress["n"], "seconds": seconds, "eventsPerSecond": rate, "windows": a.windows}))
    sys.stdout.flush()
    # The rate is taken; do not wait for the client's background threads to wind down.
    os._exit(0)


if __name__ == "__main__":
    main()
