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


def test_pca_takes_spread_features_on_a_log_scale_with_onnx_parity():
    from vigil_training.detectors import spread_features
    from vigil_training.detectors.pca import PcaT2Spe

    rng = np.random.default_rng(11)
    n = 2000
    load = rng.uniform(0.3, 1.0, n)
    names = ["flow.w1m.mean", "flow.w1m.std", "current.w1m.mean", "current.w1m.std"]
    # A spread grows with the load (load changes) far beyond the sensor noise it never falls below.
    x = np.column_stack(
        [
            100 * load + rng.normal(0, 1, n),
            0.6 + 20 * load**4 * rng.uniform(0, 1, n),
            50 * load + rng.normal(0, 0.5, n),
            0.3 + 10 * load**4 * rng.uniform(0, 1, n),
        ]
    )
    detector = PcaT2Spe(len(names), seed=1, log_features=spread_features(names))
    detector.fit(x)
    assert detector.params()["log_features"] == 2
    probe = np.vstack([x[:200], [[80, 0.0, 40, 0.5], [80, -1e-9, 40, 0.0], [80, 50.0, 40, 30.0]]])
    x32 = probe.astype(np.float32)
    reference = detector.score(x32)
    assert check_parity(detector.to_onnx().SerializeToString(), x32, reference)["rows"] == len(probe)
    # A flat channel (std exactly 0 while running) stands out on the log scale; on the raw scale it does not.
    raw = PcaT2Spe(len(names), seed=1)
    raw.fit(x)
    stuck = np.array([[80, 0.0, 40, 0.5]], dtype=np.float32)
    threshold_log = np.quantile(detector.score(x), 0.999)
    threshold_raw = np.quantile(raw.score(x), 0.999)
    assert detector.score(stuck)[0] > threshold_log
    assert raw.score(stuck)[0] < threshold_raw
