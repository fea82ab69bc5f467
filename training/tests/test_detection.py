def test_pca_catches_injected_faults_far_better_than_chance(trained):
    _, card = trained["pca"]
    metrics = card["metrics"]
    prevalence = metrics["overall"]["support"] / metrics["rows"]
    # A detector flagging at random has precision = prevalence and recall = its flag rate (~1% here).
    assert metrics["overall"]["precision"] > 3 * prevalence
    assert metrics["overall"]["recall"] > 0.5
    assert metrics["falseAlertRate"] < 0.03
    for kind, values in metrics["byFaultKind"].items():
        assert values["recall"] > 0.5, kind


def test_pca_beats_the_isolation_forest_on_the_correlation_breaking_fault(trained):
    pca = trained["pca"][1]["metrics"]["byFaultKind"]["seal_leak"]["f1"]
    iforest = trained["iforest"][1]["metrics"]["byFaultKind"]["seal_leak"]["f1"]
    assert pca > iforest


def test_auto_keeps_the_better_candidate(tmp_path, pump_dataset):
    from vigil_training.train import TrainOptions, train

    card = train(TrainOptions(dataset=pump_dataset, model_name="sensors-pump", out=tmp_path, seed=3, algorithm="auto"))
    f1 = {name: c["f1"] for name, c in card["candidates"].items()}
    assert set(f1) == {"iforest", "pca"}
    assert card["algorithm"] == max(f1, key=lambda n: f1[n])
    assert card["metrics"]["overall"]["f1"] == f1[card["algorithm"]]
