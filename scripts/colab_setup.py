"""Install the course set on Colab or Kaggle, keeping the platform's kernel and torch.

The first cell of every chapter runs this file (`%run`) from the course's clone. It pins the
kernel packages, and torch/torchvision/torchaudio when they meet requirements.txt's floors, at
the versions installed now; installs requirements.txt and the course package with pip; and prints
one line: what it installed and how long it took. `--dry-run --report FILE` resolves the same
install without changing anything (scripts/check_colab_install.py runs it that way in CI).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pip_progress import Screen, clock, explain_failure, run_pip  # noqa: E402

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a bare virtualenv: pip carries its own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

COURSE = Path(__file__).resolve().parents[1]
# The kernel and the notebook front end it talks to: upgrading these under a running kernel can
# crash the session (Colab says so when it happens).
KERNEL = ("ipykernel", "ipython", "tornado", "pyzmq", "prompt-toolkit", "jupyter-client",
          "jupyter-core", "jupyter-server", "notebook", "traitlets", "ipywidgets")
# The platform's CUDA build: kept whenever it meets the course's floors; torchaudio is pinned with
# it so that the three stay a matching set.
TORCH = ("torch", "torchvision", "torchaudio")


def installed_versions() -> dict[str, str]:
    """Every installed distribution: canonical name -> version."""
    return {canonicalize_name(d.metadata["Name"]): d.version
            for d in metadata.distributions() if d.metadata["Name"]}


def course_floors(requirements: Path) -> dict[str, Requirement]:
    """The course set's requirements, by canonical name."""
    lines = (line.split("#")[0].strip() for line in requirements.read_text().splitlines())
    found = (Requirement(line) for line in lines if line and not line.startswith("-"))
    return {canonicalize_name(req.name): req for req in found}


def kept_packages(installed: dict[str, str], floors: dict[str, Requirement]) -> dict[str, str]:
    """The installed packages to pin: the kernel always, torch's set when it meets the floors."""
    kept = {name: installed[name] for name in KERNEL if name in installed}
    torch_ok = all(installed[name] in floors[name].specifier
                   for name in TORCH if name in installed and name in floors)
    if torch_ok:
        kept |= {name: installed[name] for name in TORCH if name in installed}
    return kept


def pip_command(constraints: Path, report: Path, dry_run: bool) -> list[str]:
    """pip install of the course set and package, held to the constraints, writing a report."""
    command = [sys.executable, "-m", "pip", "install", "--progress-bar", "off",
               "--constraint", str(constraints), "--report", str(report),
               "-r", str(COURSE / "requirements.txt"), "-e", str(COURSE)]
    return command + ["--dry-run"] * dry_run


def planned(report: Path) -> list[str]:
    """`name version` of each package pip installed (or would install), from its JSON report."""
    items = json.loads(report.read_text())["install"]
    return sorted(f"{item['metadata']['name']} {item['metadata']['version']}" for item in items)


def in_use(names: list[str]) -> list[str]:
    """Packages among `names` that this Python had already imported: a restart picks them up."""
    wanted = {canonicalize_name(name) for name in names}
    loaded = {module.split(".")[0] for module in sys.modules}
    hits = {canonicalize_name(dist) for module, dists in metadata.packages_distributions().items()
            if module in loaded for dist in dists}
    return sorted(wanted & hits)


def summary(verb: str, packages: list[str], seconds: float, kept: dict[str, str]) -> str:
    """The one line the cell prints."""
    torch = [f"{name} {kept[name]}" for name in TORCH if name in kept]
    keeps = ", ".join(torch) + " and the kernel packages" if torch else "the kernel packages"
    listed = ", ".join(packages) if packages else "nothing (all present)"
    count = f"{len(packages)} package{'s' * (len(packages) != 1)}"
    return f"genai-course: {verb} {count} in {clock(seconds)}: {listed}; kept {keeps}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="resolve only; change nothing")
    parser.add_argument("--report", type=Path, help="keep pip's JSON report here")
    args = parser.parse_args(argv)
    start = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="genai-course-setup-"))
    kept = kept_packages(installed_versions(), course_floors(COURSE / "requirements.txt"))
    constraints = work / "constraints.txt"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in kept.items()))
    report, log = args.report or work / "report.json", work / "pip.log"
    returncode, _ = run_pip(pip_command(constraints, report, args.dry_run), log, Screen())
    if returncode:
        print(explain_failure(log), file=sys.stderr)
        raise RuntimeError("genai-course: pip could not install the course set (its reasons above)")
    packages = planned(report)
    shutil.rmtree(work)  # kept only when pip fails, for its log
    print(summary("would install" if args.dry_run else "installed", packages,
                  time.monotonic() - start, kept))
    stale = [] if args.dry_run else in_use([package.split()[0] for package in packages])
    if stale:
        print(f"genai-course: restart the session, then run the chapter from the top: "
              f"{', '.join(stale)} changed after this Python had imported them")
    return 0


if __name__ == "__main__":
    main()
