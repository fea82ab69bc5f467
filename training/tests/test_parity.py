import numpy as np
import onnx
import pytest

from vigil_training.dataset import load_dataset
from vigil_training.detectors import make_detector
from vigil_training.errors import TrainingError
from vigil_training.onnx_contract import check_contract
from vigil_training.parity import TOLERANCE, check_parity, run_onnx


@pytest.mark.parametrize("algorithm", ["iforest", "pca"])
def test_onnx_matches_the_reference_scorer_on_every_row(pump_dataset, algorithm):
    ds = load_dataset(pump_dataset)
    detector = make_detector(algorithm, len(ds.feature_set.features), seed=5)
    detector.fit(ds.features[: ds.rows // 2])
    model_bytes = detector.to_onnx().SerializeToString()
    x32 = ds.features.astype(np.float32)
    reference = detector.score(x32)
    result = check_parity(model_bytes, x32, reference)
    assert result["rows"] == ds.rows
    onnx_scores = run_onnx(model_bytes, x32)
    assert np.all(np.abs(onnx_scores - reference) <= TOLERANCE * np.maximum(1.0, np.abs(reference)))


def test_parity_failure_is_reported(pump_dataset):
    ds = load_dataset(pump_dataset)
    detector = make_detector("pca", len(ds.feature_set.features), seed=5)
    detector.fit(ds.features)
    x32 = ds.features[:50].astype(np.float32)
    reference = detector.score(x32)
    reference[7] += 1e-3
    with pytest.raises(TrainingError, match="parity failed on 1 of 50 rows: row 7"):
        check_parity(detector.to_onnx().SerializeToString(), x32, reference)


@pytest.mark.parametrize("algorithm", ["iforest", "pca"])
def test_card_parity_rows_reproduce_with_onnxruntime(trained, algorithm):
    out, card = trained[algorithm]
    rows = np.array(card["parity"]["rows"], dtype=np.float32)
    scores = run_onnx((out / "model.onnx").read_bytes(), rows)
    assert len(rows) == 8
    np.testing.assert_array_equal(scores, np.array(card["parity"]["scores"], dtype=np.float32))


@pytest.mark.parametrize("algorithm", ["iforest", "pca"])
def test_exported_models_meet_the_io_contract(trained, algorithm):
    out, card = trained[algorithm]
    model = onnx.load(out / "model.onnx")
    check_contract(model, n_features=len(card["featureSet"]["features"]))
    with pytest.raises(TrainingError, match="has 8 features, the feature set has 9"):
        check_contract(model, n_features=9)
    assert (out / "model.onnx").stat().st_size < 1_000_000
