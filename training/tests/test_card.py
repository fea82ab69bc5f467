import hashlib
import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from vigil_training.errors import TrainingError
from vigil_training.train import TrainOptions, train
from vigil_training.tracking import log_run

TOP_LEVEL = {
    "cardVersion", "name", "version", "stream", "assetType", "algorithm", "featureSet", "io", "onnx", "threshold",
    "thresholdRule", "params", "dataset", "metrics", "candidates", "reference", "parity", "training",
}


@pytest.mark.parametrize("algorithm", ["iforest", "pca"])
def test_card_is_complete_and_consistent(trained, pump_dataset, algorithm):
    out, card = trained[algorithm]
    on_disk = json.loads((out / "card.json").read_text())
    assert set(on_disk) == TOP_LEVEL
    meta = json.loads(pump_dataset.with_name(pump_dataset.name + ".meta.json").read_text())
    assert on_disk["featureSet"] == meta["featureSet"]
    assert (on_disk["name"], on_disk["stream"], on_disk["assetType"]) == ("sensors-pump", "sensors", "pump")
    assert on_disk["io"]["input"] == {"name": "features", "dtype": "float32", "shape": [None, 8]}
    assert on_disk["io"]["output"]["name"] == "score"
    assert on_disk["onnx"]["sha256"] == hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest()
    assert on_disk["dataset"]["sha256"] == hashlib.sha256(pump_dataset.read_bytes()).hexdigest()
    assert on_disk["dataset"]["timeRange"]["from"] < on_disk["dataset"]["trainUntil"] < on_disk["dataset"]["timeRange"]["to"]
    assert set(on_disk["metrics"]["byFaultKind"]) == {"bearing_wear", "seal_leak", "cavitation"}
    for values in on_disk["metrics"]["byFaultKind"].values():
        assert set(values) == {"precision", "recall", "f1", "support"}
    train_rows = on_disk["dataset"]["trainRows"]
    assert set(on_disk["reference"]["features"]) == set(meta["featureSet"]["features"])
    for hist in [*on_disk["reference"]["features"].values(), on_disk["reference"]["score"]]:
        assert len(hist["counts"]) == len(hist["edges"]) + 1
        assert sum(hist["counts"]) == train_rows
        assert hist["edges"] == sorted(hist["edges"])
    assert len(on_disk["parity"]["rows"]) == len(on_disk["parity"]["scores"]) == 8
    assert all(len(row) == 8 for row in on_disk["parity"]["rows"])
    assert on_disk["training"]["seed"] == 3
    assert on_disk["training"]["trainedBy"] and on_disk["training"]["trainedAt"].endswith("Z")
    assert on_disk["training"]["packages"]["scikit-learn"] != "not installed"
    assert on_disk["version"] == "sha-" + on_disk["onnx"]["sha256"][:12]
    assert "# Model card: sensors-pump" in (out / "card.md").read_text()


def test_missing_sidecar_is_refused(tmp_path, pump_dataset):
    lonely = tmp_path / "lonely.parquet"
    lonely.write_bytes(pump_dataset.read_bytes())
    with pytest.raises(TrainingError, match="sidecar"):
        train(TrainOptions(dataset=lonely, model_name="sensors-pump", out=tmp_path / "out"))


def test_nan_features_are_refused_with_the_column_named(tmp_path, pump_dataset):
    table = pq.read_table(pump_dataset)
    flow = table.column("flow_mean_1m").to_numpy().copy()
    flow[3] = np.nan
    broken = tmp_path / "nan.parquet"
    pq.write_table(table.set_column(table.column_names.index("flow_mean_1m"), "flow_mean_1m", [flow]), broken)
    broken.with_name("nan.parquet.meta.json").write_text(
        pump_dataset.with_name(pump_dataset.name + ".meta.json").read_text()
    )
    with pytest.raises(TrainingError, match="1 rows have NaN/inf in flow_mean_1m"):
        train(TrainOptions(dataset=broken, model_name="sensors-pump", out=tmp_path / "out"))


def test_tracking_failure_is_reported_and_leaves_the_model_intact(tmp_path, trained):
    out, card = trained["pca"]
    before = (out / "model.onnx").read_bytes()
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    result = log_run(card, out, not_a_dir.as_uri())
    assert result["ok"] is False and result["error"]
    assert (out / "model.onnx").read_bytes() == before


def test_tracking_logs_to_a_local_store(tmp_path, trained):
    out, card = trained["pca"]
    result = log_run(card, out, (tmp_path / "mlruns").as_uri())
    assert result["ok"] is True, result
    assert list((tmp_path / "mlruns").rglob("card.json"))
