"""clean_corpus on the shipped sample blog, and its pieces on small cases."""
from pathlib import Path

import pytest

from genai_course.blog import clean_corpus, clean_post, decode_post, replace_code, strip_frontmatter
from genai_course.paths import data_path

BLOG = data_path("blog")


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    dst = tmp_path_factory.mktemp("corpus")
    return clean_corpus(BLOG, dst), dst


def test_every_text_post_written_and_junk_skipped_with_reasons(cleaned):
    report, dst = cleaned
    posts = sorted(p.relative_to(BLOG) for p in BLOG.rglob("*.md"))
    skipped = dict(report.skipped)
    assert skipped == {Path("posts/2023/diagram.md"): "binary", Path("posts/2024/draft-empty.md"): "empty",
                       Path("posts/2024/untitled-whitespace.md"): "empty"}
    written = [path for path, _ in report.written]
    assert sorted(written + list(skipped)) == posts
    assert len(written) >= 40
    for path in written:
        assert (dst / path.with_suffix(".txt")).is_file()  # same folders, .txt suffix
    assert not list(dst.rglob("*.png")) and not list(dst.rglob("*.md"))


def test_no_frontmatter_and_no_code_left(cleaned):
    _, dst = cleaned
    texts = {p: p.read_text(encoding="utf-8") for p in dst.rglob("*.txt")}
    for path, text in texts.items():
        assert not text.startswith(("---", "+++")), path
        assert "title:" not in text.splitlines()[0] and "title =" not in text.splitlines()[0], path
        assert "```" not in text and "~~~" not in text, path
        assert "`" not in text, path  # every inline span became a token
    joined = "\n".join(texts.values())
    assert joined.count("<CODE>") >= 10 and joined.count("<INLINE_CODE>") >= 10


def test_legacy_encodings_are_decoded(cleaned):
    report, dst = cleaned
    assert report.encodings().get("cp1252", 0) >= 2
    latin = (dst / "posts/2022/notes-from-a-cafe.txt").read_text(encoding="utf-8")
    windows = (dst / "posts/2023/on-pricing-side-projects.txt").read_text(encoding="utf-8")
    assert "é" in latin and "€" in windows and "“" in windows


def test_rule_inside_a_post_is_kept(cleaned):
    _, dst = cleaned
    assert "\n---\n" in (dst / "posts/2022/reviewing-pull-requests.txt").read_text(encoding="utf-8")


def test_decode_post_reasons():
    assert decode_post(b"") == (None, "empty")
    assert decode_post(b" \r\n\t") == (None, "empty")
    assert decode_post(b"\x89PNG\r\n\x1a\nrest") == (None, "binary")
    assert decode_post(b"abc\x00def") == (None, "binary")
    assert decode_post("caf\u00e9".encode("utf-8")) == ("caf\u00e9", "utf-8")
    assert decode_post("\u201cquoted\u201d \u20ac5".encode("cp1252")) == ("\u201cquoted\u201d \u20ac5", "cp1252")
    assert decode_post(b"\x81\x8d control bytes") == (None, "undecodable")


def test_frontmatter_only_at_the_top():
    assert strip_frontmatter("---\ntitle: x\n---\nbody\n---\nmore") == "body\n---\nmore"
    assert strip_frontmatter('+++\ntitle = "x"\n+++\nbody') == "body"
    assert strip_frontmatter("body\n---\nnot frontmatter\n---\n") == "body\n---\nnot frontmatter\n---\n"


def test_code_fences():
    text = "a `x` b ``y `z` w``\n````md\n```python\nprint()\n```\n````\n~~~\ncode\n~~~\nafter\n```\nunclosed"
    assert replace_code(text) == "a <INLINE_CODE> b <INLINE_CODE>\n<CODE>\n<CODE>\nafter\n<CODE>"


def test_clean_post_tidies_blank_lines():
    assert clean_post("---\na: 1\n---\r\n\r\nhello\n\n\n\nworld\n") == "hello\n\nworld\n"


def test_refuses_to_write_inside_the_posts(tmp_path):
    (tmp_path / "a.md").write_text("hello", encoding="utf-8")
    with pytest.raises(ValueError, match="outside the posts folder"):
        clean_corpus(tmp_path, tmp_path / "clean")
    with pytest.raises(NotADirectoryError):
        clean_corpus(tmp_path / "missing", tmp_path.parent / "out")
