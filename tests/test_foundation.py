"""Profiles, stand-in registry and friendly errors."""
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
    assert [p.name for p in (tmp_path / "standins").iterdir()] == [first.rsplit("/", 1)[-1]]  # no staging left


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
    assert {"config.json", "model_index.json", "preprocessor_config.json"} & {p.name for p in folder.iterdir()}


def _named(name, base=Exception):
    return type(name, (base,), {})


@pytest.mark.parametrize("exc, words", [
    (_named("GatedRepoError")("401 Client Error"), "gated"),
    (_named("OutOfMemoryError", RuntimeError)("CUDA out of memory"), "batch size"),
    (_named("DatasetNotFoundError")("Dataset 'x' doesn't exist"), "dataset id"),
    (_named("LocalEntryNotFoundError")("cannot find the requested files"), "HF_HUB_OFFLINE"),
    (OSError("We couldn't connect to 'https://huggingface.co' to load the files"), "internet"),
])
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

    nb = new_notebook(cells=[
        new_code_cell("from genai_course import start_chapter\nstart_chapter()"),
        new_code_cell("class GatedRepoError(Exception): pass\nraise GatedRepoError('401 for meta-llama/x')"),
        new_code_cell("raise KeyError('a real bug')"),
    ])
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    assert nb.cells[0].outputs[0]["text"].startswith("profile: ")
    gated, = nb.cells[1].outputs
    assert gated["output_type"] == "error" and len(gated["traceback"]) == 1
    assert "gated" in gated["traceback"][0] and "huggingface-cli login" in gated["traceback"][0]
    bug, = nb.cells[2].outputs
    assert bug["output_type"] == "error" and len(bug["traceback"]) > 1  # real bugs keep their traceback


def test_run_chapter_records_a_failure_and_keeps_the_notebook(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from genai_course.publish.execute import run_chapter

    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("1 / 0"), new_code_cell("y = 2")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "broken.ipynb")
    run = run_chapter(tmp_path / "broken.ipynb", tmp_path / "out")
    assert not run.ok and run.error == "ZeroDivisionError: division by zero" and run.seconds > 0
    cells = nbformat.read(run.executed, as_version=4).cells
    assert cells[1].outputs[0]["ename"] == "ZeroDivisionError" and cells[2].outputs == []
