from pathlib import Path

import pytest

from vigil_training.synthetic import make_pump_dataset
from vigil_training.train import TrainOptions, train


@pytest.fixture(scope="session")
def pump_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pump_dataset(tmp_path_factory.mktemp("data") / "pump.parquet", seed=11, rows_per_asset=2000)


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, pump_dataset: Path) -> dict[str, tuple[Path, dict]]:
    """One model per algorithm, trained once for the session: {algorithm: (out_dir, card)}."""
    out = {}
    for algorithm in ("iforest", "pca"):
        target = tmp_path_factory.mktemp(algorithm)
        card = train(TrainOptions(dataset=pump_dataset, model_name="sensors-pump", out=target, seed=3, algorithm=algorithm))
        out[algorithm] = (target, card)
    return out
