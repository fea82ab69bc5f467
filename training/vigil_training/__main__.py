"""`python -m vigil_training train ...` and `python -m vigil_training synth ...` (a synthetic export for tests/demos).
Exit codes: 0 trained, 2 bad input or a model that failed its checks (the message says which), 1 a bug."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from .errors import TrainingError


def _time_ms(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{raw!r} is neither epoch ms nor ISO-8601") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return int(parsed.timestamp() * 1000)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m vigil_training")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a model on an exported Parquet dataset and write ONNX + card")
    t.add_argument("--dataset", required=True, type=Path, help="Parquet export (with <file>.meta.json beside it)")
    t.add_argument("--model-name", required=True, help="model name, <stream>-<asset type>, e.g. sensors-pump")
    t.add_argument("--out", required=True, type=Path, help="directory for model.onnx, card.json, card.md")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--algorithm", choices=["iforest", "pca", "auto"], default="auto")
    t.add_argument("--train-until", type=_time_ms, help="epoch ms or ISO-8601; default: 70%% into the time range")
    t.add_argument("--train-fraction", type=float, default=0.7, help="split point when --train-until is absent")
    t.add_argument("--false-alert-rate", type=float, default=0.002, help="target share of normal rows flagged")
    t.add_argument("--asset-type", help="rows of this asset type only (required if the export holds several)")
    t.add_argument("--stream", help="stream name (default: sidecar 'stream', else the model name's prefix)")
    t.add_argument("--model-version", help="version label (default: sha-<first 12 hex of the ONNX sha256>)")
    t.add_argument("--no-tracking", action="store_true", help="do not log the run to MLflow")
    s = sub.add_parser("synth", help="write a synthetic pump export (normal data + injected faults)")
    s.add_argument("--out", required=True, type=Path, help="Parquet path to write")
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--assets", type=int, default=4)
    s.add_argument("--rows-per-asset", type=int, default=3000)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "synth":
            from .synthetic import make_pump_dataset

            path = make_pump_dataset(args.out, seed=args.seed, assets=args.assets, rows_per_asset=args.rows_per_asset)
            print(json.dumps({"dataset": str(path)}))
            return 0
        from .tracking import tracking_uri
        from .train import TrainOptions, track, train

        opts = TrainOptions(
            dataset=args.dataset,
            model_name=args.model_name,
            out=args.out,
            seed=args.seed,
            algorithm=args.algorithm,
            train_until_ms=args.train_until,
            train_fraction=args.train_fraction,
            false_alert_rate=args.false_alert_rate,
            asset_type=args.asset_type,
            stream=args.stream,
            model_version=args.model_version,
        )
        card = train(opts)
        summary = {
            "out": str(args.out),
            "name": card["name"],
            "version": card["version"],
            "algorithm": card["algorithm"],
            "threshold": card["threshold"],
            "f1": card["metrics"]["overall"]["f1"],
            "onnxSha256": card["onnx"]["sha256"],
        }
        if not args.no_tracking:
            result = track(card, args.out, tracking_uri())
            summary["tracking"] = result
            if not result["ok"]:
                print(f"warning: MLflow logging failed ({result['error']}); the model and card are written", file=sys.stderr)
        print(json.dumps(summary))
        return 0
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
