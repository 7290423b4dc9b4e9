#!/usr/bin/env bash
# Build the course's virtualenv in .venv (first use, or after requirements change).
#
# torch comes from requirements.txt like everything else. On Linux x86_64, plain pip picks the
# CUDA build, which also runs on a CPU; it is large (about 5 GB) but the only build that has a
# matching torchvision there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null; then
  echo "error: the course needs Python 3.10 or newer as '$PYTHON' (set PYTHON=/path/to/python3)." >&2
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "error: Python's venv module is missing. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
  exit 1
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt -e .
touch .venv/.installed
echo "virtualenv ready: .venv ($(.venv/bin/python -c 'import torch; print("torch", torch.__version__)'))"
