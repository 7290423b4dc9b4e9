"""How the course gets installed: the course and developer sets, the first cell of every chapter
(Colab, Kaggle, local), its setup script, the CI check's reading of that cell, pip's progress line,
and package metadata that setuptools takes without a deprecation warning. All offline."""
import copy
import importlib.util
import io
import json
import sys
import types
import warnings
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import check_colab_install  # noqa: E402
import colab_setup  # noqa: E402
import pip_progress  # noqa: E402
import sync_chapter_headers as headers  # noqa: E402

from genai_course.repository import clone_url  # noqa: E402

CHAPTERS = sorted((REPO / "chapters").glob("[0-9][0-9]_*.ipynb"))
OLD_CELL = """import sys
if "google.colab" in sys.modules:  # on Colab: fetch the course and its libraries
    !git clone --depth 1 -q https://github.com/genai-course/genai-course /content/genai-course
    %pip install -q -r /content/genai-course/requirements.txt -e /content/genai-course
    sys.path.insert(0, "/content/genai-course")"""


def names(path: Path) -> set[str]:
    """The canonical names a requirements file asks for (not following -r)."""
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return {colab_setup.canonicalize_name(colab_setup.Requirement(line).name)
            for line in lines if line and not line.startswith("-")}


# --- the two sets -------------------------------------------------------------------------------

def test_course_set_leaves_kernel_and_tools_to_the_dev_set():
    course, dev = names(REPO / "requirements.txt"), names(REPO / "requirements-dev.txt")
    assert not course & set(colab_setup.KERNEL), "the first cell must not install kernel packages"
    assert not course & dev, "a package belongs to one set"
    assert {"pytest", "nbval", "ipykernel", "nbconvert", "pelican"} <= dev


def test_dev_set_builds_on_the_course_set_and_conda_follows():
    dev_lines = [line for line in (REPO / "requirements-dev.txt").read_text().splitlines()
                 if line and not line.startswith("#")]
    assert dev_lines[0] == "-r requirements.txt"
    assert "- -r requirements-dev.txt" in (REPO / "environment.yml").read_text()
    assert "-r requirements-dev.txt -e ." in (REPO / "scripts" / "bootstrap.sh").read_text()


def test_every_course_requirement_says_who_needs_it():
    for line in (REPO / "requirements.txt").read_text().splitlines():
        if line and not line.startswith(("#", " ")):
            assert "#" in line, f"say which chapter needs it: {line}"


def test_colab_pins_are_the_packages_the_setup_keeps():
    pins = check_colab_install.read_pins(REPO / ".ci" / "colab-constraints.txt")
    assert set(pins) == set(colab_setup.KERNEL) | set(colab_setup.TORCH) | {"pip"}


def test_pyproject_has_no_deprecated_metadata(monkeypatch):
    pyprojecttoml = pytest.importorskip("setuptools.config.pyprojecttoml")
    from setuptools.dist import Distribution

    monkeypatch.chdir(REPO)  # license-files are relative to the project
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dist = pyprojecttoml.apply_configuration(Distribution(), REPO / "pyproject.toml")
    assert dist.metadata.license_expression == "Apache-2.0"
    assert dist.metadata.license_files == ["LICENSE"] and (REPO / "LICENSE").exists()


# --- what the setup script pins -----------------------------------------------------------------

COLAB = {"ipykernel": "6.17.1", "tornado": "6.5.7", "numpy": "2.1.3", "torch": "2.11.0+cu128",
         "torchvision": "0.26.0+cu128", "torchaudio": "2.11.0+cu128"}


def test_setup_keeps_kernel_and_a_torch_that_meets_the_floors():
    kept = colab_setup.kept_packages(COLAB, colab_setup.course_floors(REPO / "requirements.txt"))
    assert kept == {name: v for name, v in COLAB.items() if name != "numpy"}


def test_setup_lets_pip_replace_a_torch_below_the_floors():
    old = COLAB | {"torch": "2.5.1+cu121", "torchvision": "0.20.1+cu121"}
    kept = colab_setup.kept_packages(old, colab_setup.course_floors(REPO / "requirements.txt"))
    assert kept == {"ipykernel": "6.17.1", "tornado": "6.5.7"}


def test_setup_installs_course_set_and_package_under_constraints(tmp_path):
    command = colab_setup.pip_command(tmp_path / "c.txt", tmp_path / "r.json", dry_run=True)
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    for pair in (["--constraint", str(tmp_path / "c.txt")], ["-e", str(REPO)],
                 ["-r", str(REPO / "requirements.txt")], ["--report", str(tmp_path / "r.json")]):
        assert pair[1] == command[command.index(pair[0]) + 1]
    assert command[-1] == "--dry-run"


def test_setup_names_packages_it_changed_under_a_running_python():
    import numpy  # noqa: F401  (imported, as a chapter's kernel would have it)

    assert colab_setup.in_use(["numpy", "no-such-package"]) == ["numpy"]


# --- the first cell -----------------------------------------------------------------------------

def run_first_cell(monkeypatch, tmp_path, *, colab=False, kaggle=False, installed=True):
    """Execute the install cell with a stand-in IPython shell; the shell calls it made."""
    calls = []

    class Shell:
        def system(self, command):
            calls.append(("!", command))

        def run_line_magic(self, magic, line, _stack_depth=1):
            calls.append(("%" + magic, line))

    find_spec = importlib.util.find_spec
    if not installed:
        def not_installed(name, *args):
            return None if name == "genai_course" else find_spec(name, *args)
        monkeypatch.setattr(importlib.util, "find_spec", not_installed)
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if kaggle:
        monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    else:
        monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(TransformerManager().transform_cell(headers.install_cell()), {"get_ipython": Shell})
    return calls


def test_first_cell_does_nothing_where_the_course_is_installed(monkeypatch, tmp_path):
    assert run_first_cell(monkeypatch, tmp_path) == []
    assert run_first_cell(monkeypatch, tmp_path, colab=True) == []  # run twice on Colab


def test_first_cell_does_nothing_on_a_plain_jupyter(monkeypatch, tmp_path):
    assert run_first_cell(monkeypatch, tmp_path, installed=False) == []


@pytest.mark.parametrize("platform", ["colab", "kaggle"])
def test_first_cell_clones_and_runs_setup_on_colab_and_kaggle(monkeypatch, tmp_path, platform):
    calls = run_first_cell(monkeypatch, tmp_path, installed=False, **{platform: True})
    course = str(tmp_path / "genai-course")
    assert calls == [("!", f"git clone -q --depth 1 --branch main {clone_url()} {{course}}"),
                     ("%run", "{course}/scripts/colab_setup.py")]
    assert sys.path[0] == course


def test_first_cell_reuses_an_existing_clone(monkeypatch, tmp_path):
    (tmp_path / "genai-course").mkdir()
    calls = run_first_cell(monkeypatch, tmp_path, installed=False, colab=True)
    assert calls == [("%run", "{course}/scripts/colab_setup.py")]


# --- the chapters carry what the sync tool writes -----------------------------------------------

@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_header_is_synced(path):
    nb = nbformat.read(path, as_version=4)
    assert not headers.sync(nb, path.name), \
        f"{path.name}: run `python scripts/sync_chapter_headers.py {path.relative_to(REPO)}`"


def test_sync_rewrites_badge_and_install_cell_and_nothing_else(tmp_path):
    nb = nbformat.read(CHAPTERS[0], as_version=4)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells[first_code].source = OLD_CELL
    nb.cells[0].source = headers.with_badge(nb.cells[0].source, headers.badge("x.ipynb", "a/b"))
    copy_path = tmp_path / CHAPTERS[0].name
    nbformat.write(nb, copy_path)
    assert headers.main([str(copy_path)]) == 0
    synced = nbformat.read(copy_path, as_version=4)
    assert synced.cells[first_code].source == headers.install_cell()
    assert synced.cells[first_code].id == nb.cells[first_code].id
    assert synced.cells[first_code].metadata["tags"] == ["remove-cell"]
    assert headers.badge(copy_path.name) in synced.cells[0].source
    assert synced.cells[0].source.count("colab-badge.svg") == 1
    assert synced.cells[first_code + 1:] == nb.cells[first_code + 1:]
    assert headers.main(["--check", str(copy_path)]) == 0
    synced.cells[first_code].source += "\n# edited"
    nbformat.write(synced, copy_path)
    assert headers.main(["--check", str(copy_path)]) == 1


def test_sync_follows_a_fork():
    nb = nbformat.read(CHAPTERS[0], as_version=4)
    assert headers.sync(nb, CHAPTERS[0].name, "someone/fork", "dev")
    assert f"github/someone/fork/blob/dev/chapters/{CHAPTERS[0].name})" in nb.cells[0].source
    code = next(c for c in nb.cells if c.cell_type == "code")
    assert "--branch dev https://github.com/someone/fork {course}" in code.source


def test_sync_adds_a_missing_badge_and_install_cell():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title\n\nSummary."),
                                         nbformat.v4.new_code_cell("import torch")])
    before = copy.deepcopy(nb)
    assert headers.sync(nb, "99_x.ipynb")
    assert nb.cells[0].source == "# Title\n\nSummary.\n\n" + headers.badge("99_x.ipynb")
    assert nb.cells[1].source == headers.install_cell()
    assert nb.cells[1].metadata["tags"] == ["remove-cell"]
    assert nb.cells[2] == before.cells[1]


# --- the CI check reads the cell as the cell runs it ----------------------------------------------

def test_check_runs_the_setup_script_of_the_synced_cell():
    commands = check_colab_install.install_commands(headers.install_cell(), "py", Path("r.json"))
    assert commands == [["py", f"{REPO}/scripts/colab_setup.py", "--dry-run", "--report", "r.json"]]


def test_check_runs_an_old_pip_line_as_written():
    commands = check_colab_install.install_commands(OLD_CELL, "py", Path("r.json"))
    assert commands == [["py", "-m", "pip", "install", "-q", "-r", f"{REPO}/requirements.txt",
                         "-e", str(REPO), "--dry-run", "--report", "r.json"]]


def test_check_names_each_pinned_package_a_report_would_install(tmp_path):
    report = tmp_path / "report.json"
    planned = [("ipykernel", "7.4.0"), ("transformers", "5.24.0"), ("Torch", "2.11.0")]
    install = [{"metadata": {"name": name, "version": version}} for name, version in planned]
    report.write_text(json.dumps({"install": install}))
    pins = {"ipykernel": "6.17.1", "torch": "2.11.0", "tornado": "6.5.7"}
    assert check_colab_install.changes(report, pins) == ["ipykernel 6.17.1 -> 7.4.0",
                                                         "torch 2.11.0 -> 2.11.0"]


# --- pip's progress line --------------------------------------------------------------------------

PIP_LINES = """\
Collecting torch>=2.6 (from -r requirements.txt (line 8))
  Downloading torch-2.14.1-cp311-cp311-manylinux_2_28_x86_64.whl.metadata (30 kB)
  Downloading torch-2.14.1-cp311-cp311-manylinux_2_28_x86_64.whl (915.4 MB)
Collecting numpy
  Using cached numpy-2.4.6-cp311-cp311-manylinux_2_28_x86_64.whl (16.8 MB)
Requirement already satisfied: packaging in ./.venv/lib/python3.11/site-packages (26.4)
Building wheel for rouge-score (pyproject.toml): started
Installing collected packages: numpy, torch
Successfully installed numpy-2.4.6 torch-2.14.1
"""


def test_progress_reads_what_pip_is_doing():
    run = pip_progress.PipRun()
    seen, news = [], []
    for line in PIP_LINES.splitlines():
        run.read(line)
        seen.append(run.doing)
        news.append(run.news)
        run.news = None
    assert seen[1] == "resolving torch-2.14.1"  # metadata alone is not the download
    assert seen[2] == "downloading torch-2.14.1 (915 MB)" and news[2] == seen[2]
    assert seen[4] == "cached numpy-2.4.6 (17 MB)"
    assert seen[6] == "building rouge-score"
    assert seen[7] == "installing 2 packages"
    assert run.fetched_mb == pytest.approx(915.4)  # the cached wheel was not fetched
    assert run.installed == ["numpy-2.4.6", "torch-2.14.1"]
    assert "915 MB fetched" in run.status()


def test_progress_in_a_log_prints_phases_and_large_downloads_once():
    stream = io.StringIO()
    screen, run = pip_progress.Screen(stream), pip_progress.PipRun()
    screen.live = False
    for line in PIP_LINES.splitlines():
        run.read(line)
        screen.update(run)
        screen.update(run)  # the clock ticks: no new line until something happens
    shown = [line.split("] ")[1] for line in stream.getvalue().splitlines()]
    assert shown == ["resolving torch>=2.6", "downloading torch-2.14.1 (915 MB)",
                     "building rouge-score", "installing 2 packages"]


def test_progress_counts_packages_in_place(tmp_path):
    run = pip_progress.PipRun(site_packages=tmp_path)
    (tmp_path / "old-1.0.dist-info").mkdir()
    run.read("Installing collected packages: numpy, torch")
    (tmp_path / "numpy-2.4.6.dist-info").mkdir()
    assert run.status().endswith("installing 2 packages (1 done)")


def test_progress_runs_pip_and_keeps_its_output(tmp_path):
    log = tmp_path / "pip.log"
    script = "print('Collecting numpy'); print('Successfully installed numpy-2.4.6')"
    returncode, run = pip_progress.run_pip([sys.executable, "-c", script], log,
                                           pip_progress.Screen(io.StringIO()))
    assert returncode == 0 and run.installed == ["numpy-2.4.6"]
    assert log.read_text() == "Collecting numpy\nSuccessfully installed numpy-2.4.6\n"
    failing = "print('noise'); print('ERROR: No matching distribution'); raise SystemExit(1)"
    returncode, _ = pip_progress.run_pip([sys.executable, "-c", failing], log,
                                         pip_progress.Screen(io.StringIO()))
    assert returncode == 1
    assert pip_progress.explain_failure(log).splitlines()[1] == "ERROR: No matching distribution"
