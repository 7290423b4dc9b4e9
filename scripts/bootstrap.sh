#!/usr/bin/env bash
# Build the course's virtualenv in .venv (first use, or after the requirements change): the course
# set (requirements.txt), the developer set (requirements-dev.txt) and the package itself.
#
# torch comes from requirements.txt like everything else. On Linux x86_64, plain pip picks the
# CUDA build, which also runs on a CPU; it is large but the only build that has a matching
# torchvision there. pip's own output goes to .venv/pip.log; the screen shows one progress line.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null; then
  echo "error: the course needs Python 3.10 or newer as '$PYTHON'" \
       "(set PYTHON=/path/to/python3)." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "error: Python's venv module is missing." \
       "On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
pip_install() {  # LOG ARGS...: pip install with one progress line; its full output in LOG
  local log=$1; shift
  "$PYTHON" scripts/pip_progress.py "$log" -- \
    .venv/bin/python -m pip install --progress-bar off --disable-pip-version-check "$@"
}
echo "bootstrap: upgrading pip"
pip_install .venv/pip-upgrade.log --upgrade pip
echo "bootstrap: installing the course and developer sets (requirements-dev.txt) and the package:"
echo "           on a fresh machine about 7.5 GB on disk, mostly PyTorch's CUDA build (5-10 min)"
pip_install .venv/pip.log -r requirements-dev.txt -e .
touch .venv/.installed
torch_version=$(.venv/bin/python -c 'import torch; print("torch", torch.__version__)')
echo "virtualenv ready: .venv ($torch_version)"
