"""Run `pip install` with one progress line in place of pip's own output.

pip's full output goes to a log file. The screen shows what pip is doing now (resolving,
downloading which file of what size, building, installing and how many packages are in place),
the megabytes fetched so far and the time spent. On a terminal or in a notebook the line updates
in place; in a log (CI, a pipe) it prints a line for each large download, each new phase and one
a minute. Used by scripts/bootstrap.sh and scripts/colab_setup.py; standard library only, as it
runs before any virtualenv exists.

    python scripts/pip_progress.py LOG -- .venv/bin/python -m pip install -r requirements.txt
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SIZE = re.compile(r"\(([\d.]+) (kB|MB|GB)\)\s*$")
MEGABYTES = {"kB": 1 / 1000, "MB": 1, "GB": 1000}
LARGE_MB = 50  # in a log, downloads this big get a line of their own
HEARTBEAT_S = 60  # in a log, a line at least this often
SHOWN_ERROR_LINES = 25


def clock(seconds: float) -> str:
    """Elapsed time as m:ss."""
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def megabytes(value: float) -> str:
    """A size in megabytes for people: 12 kB, 850 MB, 1.3 GB."""
    if value >= 1000:
        return f"{value / 1000:.1f} GB"
    return f"{value:.0f} MB" if value >= 1 else f"{value * 1000:.0f} kB"


def package_of(filename: str) -> str:
    """torch-2.14.1-cp311-cp311-manylinux_2_28_x86_64.whl -> torch-2.14.1."""
    return "-".join(filename.split("/")[-1].split("-")[:2])


def dist_infos(folder: Path | None) -> int:
    """How many packages are installed in a site-packages folder (0 when unknown)."""
    if folder is None or not folder.is_dir():
        return 0
    return sum(1 for entry in os.scandir(folder) if entry.name.endswith(".dist-info"))


@dataclass
class PipRun:
    """What one pip run did, read from its output line by line."""

    site_packages: Path | None = None  # where pip installs: counting its packages shows progress
    start: float = field(default_factory=time.monotonic)
    doing: str = "starting pip"
    phase: str = "starting"  # collecting, building, installing: a log gets a line for each
    fetched_mb: float = 0.0  # downloaded now, not taken from pip's cache
    to_install: int = 0
    installed_before: int = 0
    installed: list[str] = field(default_factory=list)
    news: str | None = None  # a line worth its own row in a log: a big download, a new phase

    def read(self, line: str) -> None:
        """Update the state from one line of pip's output."""
        text = line.strip()
        size = SIZE.search(text)
        if text.startswith("Collecting "):
            self.set("collecting", "resolving " + text.split()[1])
        elif text.startswith("Processing ") and text.split()[1].endswith(".whl"):
            self.set("collecting", "reading " + package_of(text.split()[1]))
        elif text.startswith(("Downloading ", "Using cached ")) and size:
            self.fetch(text.split()[-3], float(size[1]) * MEGABYTES[size[2]],
                       cached=text.startswith("Using cached"))
        elif text.startswith(("Building wheel for", "Building editable for")):
            self.set("building", "building " + text.split()[3])
        elif text.startswith("Installing collected packages:"):
            self.to_install = len(text.split(":", 1)[1].split(","))
            self.installed_before = dist_infos(self.site_packages)
            plural = "s" * (self.to_install != 1)
            self.set("installing", f"installing {self.to_install} package{plural}")
        elif text.startswith("Successfully installed "):
            self.installed = text.split()[2:]

    def fetch(self, filename: str, mb: float, cached: bool) -> None:
        name = package_of(filename)
        if filename.endswith(".metadata"):  # resolving: pip reads a wheel's metadata alone
            self.set("collecting", "resolving " + name)
            return
        if not cached:
            self.fetched_mb += mb
        self.set("collecting", f"{'cached' if cached else 'downloading'} {name} ({megabytes(mb)})")
        if mb >= LARGE_MB and not cached:
            self.news = self.doing

    def set(self, phase: str, doing: str) -> None:
        if phase != self.phase:
            self.news = doing
        self.phase, self.doing = phase, doing

    def status(self) -> str:
        """The progress line."""
        fetched = f", {megabytes(self.fetched_mb)} fetched" if self.fetched_mb >= 1 else ""
        doing = self.doing
        if self.phase == "installing" and self.site_packages:
            done = min(max(dist_infos(self.site_packages) - self.installed_before, 0),
                       self.to_install)
            doing += f" ({done} done)"
        return f"  [{clock(self.elapsed())}{fetched}] {doing}"

    def elapsed(self) -> float:
        return time.monotonic() - self.start


class Screen:
    """One line rewritten in place (terminal, notebook), or plain lines for a log."""

    def __init__(self, stream=sys.stdout):
        self.stream = stream
        self.live = stream.isatty() or "ipykernel" in sys.modules
        self.width = 0
        self.last_print = time.monotonic()

    def show(self, text: str) -> None:
        text = text[:118]
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def line(self, text: str) -> None:
        self.clear()
        self.stream.write(text + "\n")
        self.stream.flush()
        self.last_print = time.monotonic()

    def update(self, run: PipRun) -> None:
        if self.live:
            self.show(run.status())
        elif run.news or time.monotonic() - self.last_print >= HEARTBEAT_S:
            self.line(run.status())
            run.news = None

    def clear(self) -> None:
        if self.live and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def site_packages(command: list[str]) -> Path | None:
    """Where `python -m pip install` puts packages, for a command of that form."""
    if command[1:3] != ["-m", "pip"]:
        return None
    ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
    where = subprocess.run([command[0], "-c", ask], capture_output=True, text=True)
    return Path(where.stdout.strip()) if where.returncode == 0 else None


def run_pip(command: list[str], log_path: Path, screen: Screen | None = None) -> tuple[int, PipRun]:
    """Run a pip command, logging all it says, showing progress; its exit status and what it did."""
    screen = screen or Screen()
    run = PipRun(site_packages=site_packages(command))
    lock = threading.Lock()
    done = threading.Event()

    def tick():  # keeps the clock moving during a long download or unpack
        while not done.wait(1):
            with lock:
                screen.update(run)

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log, subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as pip:
        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        for line in pip.stdout:
            log.write(line)
            with lock:
                run.read(line)
                screen.update(run)
        returncode = pip.wait()
        done.set()
        ticker.join()
    screen.clear()
    return returncode, run


def explain_failure(log_path: Path) -> str:
    """What pip said from its first error on (or the end of its log), for a failed run."""
    lines = log_path.read_text().splitlines()
    errors = (i for i, line in enumerate(lines) if line.startswith("ERROR"))
    first = next(errors, -SHOWN_ERROR_LINES)
    shown = lines[first:][:SHOWN_ERROR_LINES]
    return "\n".join(["pip failed:", *shown, f"(pip's full output: {log_path})"])


def main(argv: list[str]) -> int:
    """`pip_progress.py LOG -- COMMAND...`: run COMMAND, print a summary, exit with its status."""
    log_path, separator, *command = argv
    if separator != "--" or not command:
        sys.exit(__doc__)
    returncode, run = run_pip(command, Path(log_path))
    if returncode:
        print(explain_failure(Path(log_path)), file=sys.stderr)
        return returncode
    fetched = megabytes(run.fetched_mb) if run.fetched_mb >= 1 else "nothing"
    count = len(run.installed)
    print(f"  {count} package{'s' * (count != 1)} installed, {fetched} downloaded, "
          f"in {clock(run.elapsed())} (pip's full output: {log_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
