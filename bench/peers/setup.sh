#!/usr/bin/env bash
# Creates bench/peers/.venv with the exact versions of requirements.lock (Quix Streams 3.28.1, fastavro, their
# dependencies). Idempotent: does nothing when the venv already matches the lock. Needs CPython 3.10+.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
stamp="$venv/.vigil-lock.sha256"
want="$(sha256sum "$here/requirements.lock" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then exit 0; fi
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.lock"
"$venv/bin/python" -c 'import quixstreams, fastavro'
echo "$want" > "$stamp"
echo "bench/peers/.venv ready (quixstreams $("$venv/bin/python" -c 'import quixstreams; print(quixstreams.__version__)'))" >&2
