"""A pytest plugin: one line per chapter as nbval finishes it, with its time and how its cells did.

    pytest -p genai_course.publish.nbval_progress --nbval-lax chapters/

pytest names each notebook as it starts on it, but a notebook's cells are many test items: without
this, how long a chapter took and whether it passed as a whole are nowhere to be read.
"""
from __future__ import annotations

import time


def _notebook(nodeid: str) -> str | None:
    path = nodeid.split("::", 1)[0]
    return path if path.endswith(".ipynb") else None


class ChapterProgress:
    """Times each notebook from its first cell to its last and counts its cells' outcomes."""

    def __init__(self, config):
        self.config = config
        self.last_cells: set[str] = set()
        self.started: dict[str, float] = {}
        self.counts: dict[str, dict[str, int]] = {}

    def pytest_collection_modifyitems(self, items):
        last = {_notebook(item.nodeid): item.nodeid for item in items}
        self.last_cells = {nodeid for notebook, nodeid in last.items() if notebook}

    def pytest_runtest_logstart(self, nodeid, location):
        notebook = _notebook(nodeid)
        if notebook and notebook not in self.started:
            self.started[notebook] = time.perf_counter()
            self.counts[notebook] = {"passed": 0, "failed": 0, "skipped": 0}

    def pytest_runtest_logreport(self, report):
        notebook = _notebook(report.nodeid)
        if notebook in self.counts and (report.when == "call" or report.outcome != "passed"):
            self.counts[notebook][report.outcome] += 1

    def pytest_runtest_logfinish(self, nodeid, location):
        notebook = _notebook(nodeid)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if nodeid not in self.last_cells or notebook not in self.started or reporter is None:
            return
        counts, seconds = self.counts[notebook], time.perf_counter() - self.started[notebook]
        cells = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
        reporter.ensure_newline()
        reporter.write_line(f"{notebook} {'FAILED' if counts['failed'] else 'ok'} in "
                            f"{seconds:.1f} s ({cells} cells)")


def pytest_configure(config):
    config.pluginmanager.register(ChapterProgress(config), "chapter-progress")
