"""The renderer: golden output for a notebook full of junk, and one-line errors for bad input."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from genai_course.publish.posts import PostError, html_table_to_markdown, slug_for, write_post

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden" / "messy"
RENDER = [sys.executable, str(ROOT / "scripts" / "render_posts.py")]


@pytest.fixture
def messy_post(tmp_path):
    index = write_post(FIXTURES / "messy.ipynb", tmp_path)
    return index, index.read_text(encoding="utf-8")


def test_matches_golden_post(messy_post):
    index, text = messy_post
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        (GOLDEN / "index.md").write_text(text, encoding="utf-8")
    assert text == (GOLDEN / "index.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in index.parent.iterdir()) == ["audio_10_0.wav", "figure_8_0.png", "index.md"]


@pytest.mark.parametrize("junk", ["<style", "<progress", "widget-view", "application/vnd.jupyter",
                                  "\x1b[", "this warning goes to stderr", "UserWarning", "tqdm widget",
                                  "100.00%", "secret_setup", "only the code of this cell is shown\n",
                                  "# A messy notebook", "IntSlider(value=3, ", "data:audio"])
def test_post_has_no_junk(messy_post, junk):
    outputs = re.sub(r"```python\n.*?```", "", messy_post[1], flags=re.S)  # code may name them
    assert junk not in outputs


def test_post_keeps_what_matters(messy_post):
    text = messy_post[1]
    assert text.startswith("---\ntitle: A messy notebook\ndate: '2026-11-23'\n")
    assert "colab-badge.svg" in text
    assert "| model | accuracy |\n|---|---|\n| small | 0.81 |" in text
    assert "green and bold" in text and "ValueError: a coloured traceback" in text
    assert "    step 2\n" in text and "step 0" not in text
    assert "{{ liquid }} and {% tag %}" in text
    # remove-input keeps the output only, remove-output the code only, remove-cell neither
    assert "print('only the output" not in text and "    only the output of this cell is shown" in text
    assert "print('only the code of this cell is shown')" in text
    assert "    only the code of this cell is shown" not in text
    assert "secret_setup" not in text


def test_every_linked_file_exists(messy_post):
    index, text = messy_post
    targets = set(re.findall(r"\]\((?!https?:)([^)]+)\)", text)) | set(re.findall(r'src="([^"]+)"', text))
    assert targets == {"figure_8_0.png", "audio_10_0.wav"}
    for name in targets:
        assert (index.parent / name).stat().st_size > 0
    assert (index.parent / "figure_8_0.png").read_bytes().startswith(b"\x89PNG")
    assert (index.parent / "audio_10_0.wav").read_bytes().startswith(b"RIFF")


def test_pandas_table_with_index_name():
    fragment = ('<table border="1" class="dataframe"><thead><tr><th></th><th>loss</th></tr>'
                '<tr><th>epoch</th><th></th></tr></thead><tbody><tr><th>0</th><td>1.5</td></tr>'
                '<tr><th>1</th><td>a|b</td></tr></tbody></table>')
    assert html_table_to_markdown(fragment) == "| epoch | loss |\n|---|---|\n| 0 | 1.5 |\n| 1 | a\\|b |"
    assert html_table_to_markdown("<p>no table</p>") is None


def test_slug():
    assert slug_for(Path("chapters/01_blog_post_imitator.ipynb")) == "01-blog-post-imitator"


def _bad_inputs(tmp_path):
    (tmp_path / "notjson.ipynb").write_text("{ not json", encoding="utf-8")
    (tmp_path / "notnb.ipynb").write_text(json.dumps({"hello": 1}), encoding="utf-8")
    (tmp_path / "binary.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return {"missing.ipynb": "no such file", "notjson.ipynb": "not JSON", "notnb.ipynb": "no 'cells' list",
            "binary.ipynb": "not JSON"}


def test_bad_input_one_line_error_and_nothing_written(tmp_path):
    out = tmp_path / "posts"
    for name, message in _bad_inputs(tmp_path).items():
        result = subprocess.run(RENDER + [str(tmp_path / name), "--out", str(out)], capture_output=True, text=True)
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_existing_post_is_kept_unless_overwrite(tmp_path):
    first = write_post(FIXTURES / "messy.ipynb", tmp_path)
    first.write_text("my edits", encoding="utf-8")
    with pytest.raises(PostError, match="exists; pass --overwrite"):
        write_post(FIXTURES / "messy.ipynb", tmp_path)
    assert first.read_text(encoding="utf-8") == "my edits"
    result = subprocess.run(RENDER + [str(FIXTURES / "messy.ipynb"), "--out", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1 and first.read_text(encoding="utf-8") == "my edits"
    write_post(FIXTURES / "messy.ipynb", tmp_path, overwrite=True)
    assert first.read_text(encoding="utf-8") != "my edits"
    assert [p.name for p in tmp_path.iterdir()] == ["messy"]  # no staging folders left behind


def test_failed_render_leaves_no_half_written_post(tmp_path, monkeypatch):
    import genai_course.publish.posts as posts

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(posts, "notebook_to_markdown", broken)
    with pytest.raises(RuntimeError):
        posts.write_post(FIXTURES / "messy.ipynb", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_jekyll_layout(tmp_path):
    post = write_post(FIXTURES / "messy.ipynb", tmp_path, engine="jekyll")
    assert post == tmp_path / "_posts" / "2026-11-23-messy.md"
    assert sorted(p.name for p in (tmp_path / "assets" / "posts" / "messy").iterdir()) == \
        ["audio_10_0.wav", "figure_8_0.png"]
    text = post.read_text(encoding="utf-8")
    assert text.startswith("---\nlayout: post\ntitle: A messy notebook\ndate: '2026-11-23'\n")
    assert "published: false\n" in text and "draft:" not in text
    assert "\n---\n\n{% raw %}\n" in text and text.endswith("{% endraw %}\n")
    assert "![png]({% endraw %}{{ '/assets/posts/messy/figure_8_0.png' | relative_url }}{% raw %})" in text


def test_pelican_layout(tmp_path):
    post = write_post(FIXTURES / "messy.ipynb", tmp_path, engine="pelican")
    assert post == tmp_path / "content" / "messy.md"
    assert sorted(p.name for p in (tmp_path / "content" / "images" / "messy").iterdir()) == \
        ["audio_10_0.wav", "figure_8_0.png"]
    text = post.read_text(encoding="utf-8")
    assert text.startswith("Title: A messy notebook\nDate: 2026-11-23\nSlug: messy\nTags: testing\n"
                           "Summary: Every kind of notebook junk.\nStatus: draft\n\n[![Open In Colab]")
    assert '<audio controls src="{static}/images/messy/audio_10_0.wav"></audio>' in text


def test_jekyll_rerender_with_a_new_date_replaces_the_old_post(tmp_path):
    nb = json.loads((FIXTURES / "messy.ipynb").read_text(encoding="utf-8"))
    nb["metadata"]["post"]["date"] = "2026-12-01"
    moved = tmp_path / "in" / "messy.ipynb"
    moved.parent.mkdir()
    moved.write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / "site"
    write_post(FIXTURES / "messy.ipynb", out, engine="jekyll")
    with pytest.raises(PostError, match="2026-11-23-messy.md exists"):
        write_post(moved, out, engine="jekyll")
    write_post(moved, out, engine="jekyll", overwrite=True)
    assert [p.name for p in (out / "_posts").iterdir()] == ["2026-12-01-messy.md"]
    assert sorted(p.name for p in out.iterdir()) == ["_posts", "assets"]  # no staging folders left behind


def test_cli_format(tmp_path):
    result = subprocess.run(RENDER + [str(FIXTURES / "messy.ipynb"), "--out", str(tmp_path), "--format", "jekyll"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "_posts" / "2026-11-23-messy.md")
