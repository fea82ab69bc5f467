import json
from pathlib import Path

import pytest

from vigil_training.train import TrainOptions, train


@pytest.mark.parametrize("algorithm", ["iforest", "pca"])
def test_same_dataset_and_seed_give_identical_onnx_and_metrics(tmp_path: Path, pump_dataset: Path, trained, algorithm):
    first_dir, first_card = trained[algorithm]
    again = train(TrainOptions(dataset=pump_dataset, model_name="sensors-pump", out=tmp_path, seed=3, algorithm=algorithm))
    assert (tmp_path / "model.onnx").read_bytes() == (first_dir / "model.onnx").read_bytes()
    assert again["metrics"] == first_card["metrics"]
    assert again["threshold"] == first_card["threshold"]
    assert again["reference"] == first_card["reference"]
    assert again["parity"]["scores"] == first_card["parity"]["scores"]
    assert json.loads((tmp_path / "card.json").read_text())["onnx"]["sha256"] == first_card["onnx"]["sha256"]


def test_the_seed_matters_for_the_isolation_forest(tmp_path: Path, pump_dataset: Path, trained):
    first_dir, _ = trained["iforest"]
    train(TrainOptions(dataset=pump_dataset, model_name="sensors-pump", out=tmp_path, seed=4, algorithm="iforest"))
    assert (tmp_path / "model.onnx").read_bytes() != (first_dir / "model.onnx").read_bytes()
