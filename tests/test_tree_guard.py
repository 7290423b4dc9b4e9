"""scripts/tree_guard.py: a command that leaves a new file in the working tree fails."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUARD = ROOT / "scripts" / "tree_guard.py"
pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout")


def guarded(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, GUARD, "--", sys.executable, "-c", code],
                          cwd=ROOT, capture_output=True, text=True)


def test_a_stray_file_fails_and_is_named():
    probe = ROOT / "tests" / "tree-guard-probe.txt"
    try:
        run = guarded(f"open({str(probe)!r}, 'w').write('x')")
    finally:
        probe.unlink(missing_ok=True)
    assert run.returncode == 1 and "tests/tree-guard-probe.txt" in run.stderr


def test_writing_under_build_passes_and_the_commands_code_is_kept():
    probe = ROOT / "build" / "tree-guard-probe.txt"
    try:
        ok = guarded(f"import pathlib; p = pathlib.Path({str(probe)!r}); "
                     "p.parent.mkdir(exist_ok=True); p.write_text('x')")
    finally:
        probe.unlink(missing_ok=True)
    assert ok.returncode == 0, ok.stderr
    assert guarded("raise SystemExit(3)").returncode == 3
