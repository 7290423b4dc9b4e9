"""Profiles, stand-in registry and cache, friendly errors, and running chapters."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import genai_course.standins as standins
from genai_course.errors import explain
from genai_course.profile import current_profile, pick


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "full")
    assert current_profile() == "full" and pick(full=1, smoke=2) == 1
    monkeypatch.setenv("GENAI_PROFILE", "SMOKE")
    assert current_profile() == "smoke" and pick(full=1, smoke=2) == 2
    monkeypatch.setenv("GENAI_PROFILE", "fast")
    with pytest.raises(ValueError, match="not a profile"):
        current_profile()


def test_profile_default_follows_cuda(monkeypatch):
    import torch

    monkeypatch.delenv("GENAI_PROFILE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert current_profile() == "smoke"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert current_profile() == "full"


@pytest.fixture
def registry(monkeypatch, tmp_path):
    monkeypatch.setenv("GENAI_CACHE", str(tmp_path))
    calls = []

    @standins.standin("test-org/tiny")
    def build(out_dir):
        calls.append(out_dir)
        (out_dir / "config.json").write_text("{}")
        (out_dir / "tokenizer.json").write_text('{"model": "a real vocabulary"}')

    yield calls
    standins._BUILDERS.pop("test-org/tiny")


def test_checkpoint_is_hub_id_in_full_and_built_once_in_smoke(registry, monkeypatch, tmp_path):
    monkeypatch.setenv("GENAI_PROFILE", "full")
    assert standins.checkpoint("test-org/tiny") == "test-org/tiny" and registry == []
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    first = standins.checkpoint("test-org/tiny")
    second = standins.checkpoint("test-org/tiny")
    assert first == second and len(registry) == 1
    assert first.startswith(str(tmp_path)) and "test-org--tiny-" in first
    assert [p.name for p in (tmp_path / "standins").iterdir()] == [
        first.rsplit("/", 1)[-1]
    ]  # no staging left


@pytest.mark.parametrize(
    "damage", ["remove a file", "change a file", "add a file", "lose the manifest"]
)
def test_a_damaged_standin_is_rebuilt(registry, monkeypatch, damage):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    folder = Path(standins.checkpoint("test-org/tiny"))
    if damage == "remove a file":
        (folder / "tokenizer.json").unlink()  # what once loaded silently as a 2-token tokenizer
    elif damage == "change a file":
        (folder / "tokenizer.json").write_text('{"model": "trunc')
    elif damage == "add a file":
        (folder / "adapter_config.json").write_text("{}")  # would change what from_pretrained loads
    else:
        next(p for p in folder.iterdir() if p.name.startswith(".")).unlink()
    assert Path(standins.checkpoint("test-org/tiny")) == folder and len(registry) == 2
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "config.json",
        "tokenizer.json",
    ]
    assert (folder / "tokenizer.json").read_text() == '{"model": "a real vocabulary"}'
    assert [p.name for p in folder.parent.iterdir()] == [
        folder.name
    ]  # nothing damaged or staged left


def test_an_empty_genai_cache_means_the_default(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GENAI_CACHE", "")
    assert standins.cache_root() == Path.home() / ".cache" / "genai_course" / "standins"
    monkeypatch.setenv("GENAI_CACHE", "relative/cache")
    with pytest.raises(ValueError, match="GENAI_CACHE"):
        standins.cache_root()


def test_unknown_checkpoint_names_the_fix(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    with pytest.raises(KeyError, match="no smoke stand-in is registered for 'nobody/nothing'"):
        standins.checkpoint("nobody/nothing")


def test_two_builders_cannot_claim_one_id(registry):
    with pytest.raises(ValueError, match="two stand-in builders"):
        standins.standin("test-org/tiny")(lambda out_dir: None)


@pytest.mark.parametrize("hub_id", standins.registered_ids())
def test_every_registered_standin_builds(hub_id):
    # Cached under $GENAI_CACHE, so the chapters that run after this reuse the same folders.
    folder = standins.standin_path(hub_id)
    # transformers and diffusers describe a model in a config; speechbrain in hyperparams.yaml
    described_by = {
        "config.json", "model_index.json", "preprocessor_config.json", "hyperparams.yaml"
    }
    assert described_by & {p.name for p in folder.iterdir()}


def _named(name, base=Exception):
    return type(name, (base,), {})


@pytest.mark.parametrize(
    "exc, words",
    [
        (_named("GatedRepoError")("401 Client Error"), "gated"),
        (_named("OutOfMemoryError", RuntimeError)("CUDA out of memory"), "batch size"),
        (_named("DatasetNotFoundError")("Dataset 'x' doesn't exist"), "dataset id"),
        (_named("LocalEntryNotFoundError")("cannot find the requested files"), "HF_HUB_OFFLINE"),
        (OSError("We couldn't connect to 'https://huggingface.co' to load the files"), "internet"),
    ],
)
def test_explain_names_cause_and_fix(exc, words):
    message = explain(exc)
    assert message is not None and words in message and "Fix:" in message


def test_explain_follows_the_cause_chain():
    try:
        try:
            raise _named("GatedRepoError")("gated")
        except Exception as inner:
            raise OSError("could not load model") from inner
    except OSError as outer:
        assert "gated" in explain(outer)


def test_explain_leaves_real_bugs_alone():
    assert explain(KeyError("x")) is None and explain(OSError("disk full")) is None


def test_kernel_shows_one_line_for_known_failures():
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_code_cell("from genai_course import start_chapter\nstart_chapter()"),
            new_code_cell(
                "class GatedRepoError(Exception): pass\n"
                "raise GatedRepoError('401 for meta-llama/x')"
            ),
            new_code_cell("raise KeyError('a real bug')"),
        ]
    )
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    assert nb.cells[0].outputs[0]["text"].startswith("profile: ")
    (gated,) = nb.cells[1].outputs
    assert gated["output_type"] == "error" and len(gated["traceback"]) == 1
    assert "gated" in gated["traceback"][0] and "huggingface-cli login" in gated["traceback"][0]
    (bug,) = nb.cells[2].outputs
    assert (
        bug["output_type"] == "error" and len(bug["traceback"]) > 1
    )  # real bugs keep their traceback


def test_run_chapter_records_a_failure_and_keeps_the_notebook(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from genai_course.publish.execute import run_chapter

    nb = new_notebook(
        cells=[new_code_cell("x = 1"), new_code_cell("1 / 0"), new_code_cell("y = 2")]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, tmp_path / "broken.ipynb")
    run = run_chapter(tmp_path / "broken.ipynb", tmp_path / "out")
    assert not run.ok and run.error == "ZeroDivisionError: division by zero" and run.seconds > 0
    cells = nbformat.read(run.executed, as_version=4).cells
    assert cells[1].outputs[0]["ename"] == "ZeroDivisionError" and cells[2].outputs == []


# ------------------------------------------------ run_chapters: failures stay visible

RUN_CHAPTERS = [
    sys.executable,
    str(Path(__file__).resolve().parents[1] / "scripts" / "run_chapters.py"),
]


def _chapter(path: Path, *sources: str, title: str = "A chapter") -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell(f"# {title}"), *map(new_code_cell, sources)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["post"] = {"title": title, "date": "2026-01-02"}
    nbformat.write(nb, path)
    return path


def _run_chapters(*args, cwd: Path):
    return subprocess.run(
        RUN_CHAPTERS + [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_run_chapters_survives_every_kind_of_failure(tmp_path):
    chapters = [
        _chapter(tmp_path / "01_dies.ipynb", "import os\nos._exit(1)"),
        _chapter(tmp_path / "02_hangs.ipynb", "import time\ntime.sleep(60)"),
        tmp_path / "03_missing.ipynb",
        tmp_path / "04_malformed.ipynb",
        _chapter(tmp_path / "05_works.ipynb", "print('fine')"),
    ]
    chapters[3].write_text("{ not json", encoding="utf-8")
    result = _run_chapters(*chapters, "--build", tmp_path / "build", "--timeout", "5", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("0")}
    assert set(rows) == {"01_dies", "02_hangs", "03_missing", "04_malformed", "05_works"}, (
        result.stdout
    )
    assert "kernel died" in rows["01_dies"] and "timed out" in rows["02_hangs"]
    assert "no such file" in rows["03_missing"] and "not a notebook" in rows["04_malformed"]
    assert rows["05_works"].split()[-1] == "ok"
    assert (tmp_path / "build" / "posts" / "05-works" / "index.md").is_file()


def test_a_failed_chapter_keeps_the_last_good_post(tmp_path):
    chapter = _chapter(tmp_path / "07_story.ipynb", "print('the good version')")
    build = tmp_path / "build"
    assert _run_chapters(chapter, "--build", build, cwd=tmp_path).returncode == 0
    good_notebook = (build / "executed" / "07_story.ipynb").read_text(encoding="utf-8")
    good_post = (build / "posts" / "07-story" / "index.md").read_text(encoding="utf-8")
    _chapter(chapter, "print('the broken version')\nraise RuntimeError('broken')")
    result = _run_chapters(chapter, "--build", build, cwd=tmp_path)
    assert result.returncode == 1 and "RuntimeError: broken" in result.stdout
    assert (build / "executed" / "07_story.ipynb").read_text(encoding="utf-8") == good_notebook
    assert (build / "posts" / "07-story" / "index.md").read_text(encoding="utf-8") == good_post
    failed = build / "failed" / "07_story.ipynb"
    assert "the broken version" in failed.read_text(encoding="utf-8")  # kept to read its traceback
    assert str(failed) in result.stdout
    # `make posts` renders build/executed/: the good version again
    render = subprocess.run(
        [
            sys.executable,
            str(Path(RUN_CHAPTERS[1]).with_name("render_posts.py")),
            *map(str, (build / "executed").glob("*.ipynb")),
            "--out",
            str(build / "posts"),
            "--overwrite",
        ],
        capture_output=True,
        text=True,
    )
    assert render.returncode == 0, render.stderr
    assert (build / "posts" / "07-story" / "index.md").read_text(encoding="utf-8") == good_post


def test_run_chapters_prints_a_line_per_chapter_and_no_kernel_notice(tmp_path):
    chapter = _chapter(tmp_path / "08_quiet.ipynb", "print('hello')")
    result = _run_chapters(chapter, "--build", tmp_path / "build", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "without encryption" not in result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"\[1/1\] 08_quiet \(\w+\) \.\.\.", lines[0]), lines
    assert re.fullmatch(r"\[1/1\] 08_quiet ok in \d+\.\d s", lines[1]), lines
    assert lines[2] == "" and lines[3].split() == ["chapter", "profile", "seconds", "status"]


def test_run_chapters_refuses_two_chapters_with_one_file_name(tmp_path):
    result = _run_chapters(
        tmp_path / "a" / "09_same.ipynb",
        tmp_path / "b" / "09_same.ipynb",
        "--build",
        tmp_path / "build",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    rows = [line for line in result.stdout.splitlines() if line.startswith("09_same")]
    assert "no such file" in rows[0] and f"same file name as {tmp_path / 'a'}" in rows[1]


def test_a_bad_profile_is_one_line(tmp_path):
    result = subprocess.run(
        RUN_CHAPTERS + ["--build", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "GENAI_PROFILE": "fast"},
    )
    assert (
        result.returncode == 2
        and result.stderr.count("\n") == 1
        and "not a profile" in result.stderr
    )


def test_builds_killed_long_ago_are_swept(registry, monkeypatch, tmp_path):
    import time

    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    root = tmp_path / "standins"
    old, recent = root / ".building-old", root / ".building-now"  # a killed build, a running one
    for folder in (old, recent):
        folder.mkdir(parents=True)
    os.utime(old, (time.time() - 86400, time.time() - 86400))
    standins.checkpoint("test-org/tiny")
    assert not old.exists() and recent.exists()


def test_ctrl_c_stops_the_run_and_still_prints_the_table(tmp_path):
    import signal
    import time

    started = tmp_path / "started"
    hangs = _chapter(
        tmp_path / "10_hangs.ipynb",
        f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(300)",
    )
    later = _chapter(tmp_path / "11_later.ipynb", "print('never')")
    command = RUN_CHAPTERS + [str(hangs), str(later), "--build", str(tmp_path / "build")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not started.exists():
        assert process.poll() is None and time.monotonic() < deadline, "the chapter never started"
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)  # what Ctrl-C sends
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    rows = {
        line.split()[0]: line.split()[-2:] for line in out.splitlines() if line[:2] in ("10", "11")
    }
    assert rows == {"10_hangs": ["0.0", "INTERRUPTED"], "11_later": ["not", "run"]}, out
    assert "Traceback" not in err


def test_fastai_weights_resolve_offline_through_fastais_own_download(monkeypatch):
    from fastai.data.external import URLs, fastai_cfg, untar_data
    from fastai.text.all import awd_lstm_lm_config

    monkeypatch.setenv("FASTAI_HOME", "restored after the test")
    monkeypatch.delenv("FASTAI_HOME")
    monkeypatch.setenv("GENAI_PROFILE", "full")
    assert standins.pretrained_lm_config(URLs.WT103_FWD) == awd_lstm_lm_config
    assert "FASTAI_HOME" not in os.environ  # full: fastai downloads as it always does
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    try:
        config = standins.pretrained_lm_config(URLs.WT103_FWD)
        folder = untar_data(URLs.WT103_FWD, c_key="model")  # offline: no download, the stand-in
    finally:
        fastai_cfg.cache_clear()  # later tests read FASTAI_HOME afresh
    assert folder == standins.standin_path("fastai/wt103-fwd") / "wt103-fwd"
    assert config["n_layers"] == 2 and config["pad_token"] == awd_lstm_lm_config["pad_token"]
