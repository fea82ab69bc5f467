#!/usr/bin/env bash
# Creates bench/peers/fastapi/.venv with the exact, hash-checked versions of requirements.lock (FastAPI, uvicorn,
# scikit-learn and their dependencies) for the serving peer. Idempotent: does nothing when the venv already
# matches the lock. Needs CPython 3.11 or 3.12 (PYTHON=... to choose one).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
case "$version" in
  3.11 | 3.12) ;;
  *) echo "bench/peers/fastapi/setup.sh: need Python 3.11 or 3.12, $python is $version (set PYTHON=...)" >&2; exit 2 ;;
esac
stamp="$venv/.vigil-lock.sha256"
want="$( (cat "$here/requirements.lock"; echo "$version") | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then exit 0; fi
[[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
  -r "$here/requirements.lock"
"$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null
"$venv/bin/python" -c 'import fastapi, uvicorn, sklearn, numpy'
echo "$want" > "$stamp"
echo "bench/peers/fastapi/.venv ready (fastapi $("$venv/bin/python" -c 'import fastapi; print(fastapi.__version__)'), scikit-learn $("$venv/bin/python" -c 'import sklearn; print(sklearn.__version__)'))" >&2
