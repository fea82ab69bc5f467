#!/usr/bin/env bash
# Creates training/.venv with the exact versions of requirements.lock (hash-checked) and makes the
# vigil_training package importable from it. Idempotent: does nothing when the venv already matches the lock.
# Called by `npm run setup:python` and by .ci/run. Needs CPython 3.11 or 3.12 (PYTHON=... to choose one).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
case "$version" in
  3.11 | 3.12) ;;
  *) echo "training/setup.sh: need Python 3.11 or 3.12, $python is $version (set PYTHON=...)" >&2; exit 2 ;;
esac

stamp="$venv/.vigil-lock.sha256"
want="$( (cat "$here/requirements.lock"; echo "$version") | sha256sum | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "training/.venv is up to date"
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
  -r "$here/requirements.lock"
# The package is used in place (no build step, no setuptools download): a .pth file puts training/ on sys.path.
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$here" > "$site/vigil_training.pth"
"$venv/bin/python" -c 'import vigil_training, sklearn, skl2onnx, onnxruntime, pyarrow, mlflow' 
echo "$want" > "$stamp"
echo "training/.venv ready ($("$venv/bin/python" --version))"
