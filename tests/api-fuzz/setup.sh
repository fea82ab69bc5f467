#!/usr/bin/env bash
# Creates tests/api-fuzz/.venv with schemathesis and its dependencies at the exact, hash-checked versions of
# requirements.lock. Idempotent: does nothing when the venv already matches the lock. The API fuzz test
# (tests/integration/reliability-api-fuzz.test.ts) runs it itself, so CI needs no extra step. Needs CPython 3.10+
# (PYTHON=... to choose one).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
stamp="$venv/.vigil-lock.sha256"
want="$(sha256sum "$here/requirements.lock" | cut -d' ' -f1)"
if [[ -x "$venv/bin/st" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then exit 0; fi
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
  -r "$here/requirements.lock"
"$venv/bin/st" --version >/dev/null
echo "$want" > "$stamp"
echo "tests/api-fuzz/.venv ready ($("$venv/bin/st" --version))" >&2
