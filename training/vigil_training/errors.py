"""One error type for training problems a user can fix; the CLI prints its message and exits 2."""


class TrainingError(Exception):
    """Bad input (dataset, sidecar, arguments) or a model that fails its own checks (contract, parity)."""
