"""Turn a folder of markdown blog posts into a plain-text corpus a language model can learn from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

POST_SUFFIXES = (".md", ".markdown")
ENCODINGS = ("utf-8", "cp1252", "latin-1")  # latin-1 decodes any byte, so it goes last
CODE_TOKEN = "<CODE>"
INLINE_CODE_TOKEN = "<INLINE_CODE>"

_FRONTMATTER = re.compile(r"\A(?P<fence>---|\+\+\+)[ \t]*\r?\n.*?^(?P=fence)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_INLINE_CODE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04")


@dataclass
class CorpusReport:
    """What `clean_corpus` wrote and what it skipped, with the reason for each skip (ch. 01)."""

    written: list[tuple[Path, str]] = field(default_factory=list)  # (relative path, encoding)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (relative path, reason)

    def __str__(self) -> str:
        lines = [f"wrote {len(self.written)} posts, skipped {len(self.skipped)}"]
        lines += [f"  skipped {path.as_posix()}: {reason}" for path, reason in self.skipped]
        return "\n".join(lines)

    def encodings(self) -> dict[str, int]:
        """How many written posts were decoded with each encoding."""
        counts: dict[str, int] = {}
        for _, encoding in self.written:
            counts[encoding] = counts.get(encoding, 0) + 1
        return counts


def decode_post(raw: bytes) -> tuple[str | None, str]:
    """Decode a post's bytes as utf-8, else cp1252, else latin-1: (text, encoding) or (None, reason) (ch. 01)."""
    if not raw.strip():
        return None, "empty"
    if raw.startswith(_BINARY_MAGIC) or b"\x00" in raw:
        return None, "binary"
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text.lstrip("\ufeff"), encoding
    return None, "undecodable"


def strip_frontmatter(text: str) -> str:
    """Drop a leading YAML (`---`) or TOML (`+++`) frontmatter block, nothing further down (ch. 01)."""
    return _FRONTMATTER.sub("", text, count=1)


def replace_code(text: str) -> str:
    """Fenced code blocks become one `<CODE>` token each, inline code spans `<INLINE_CODE>` (ch. 01).

    A fence closes only on the same character repeated at least as often, so a four-backtick
    block may quote a three-backtick one; an unclosed fence runs to the end, as in CommonMark.
    """
    lines, fence = [], None
    for line in text.splitlines():
        match = _FENCE.match(line)
        if fence is None:
            opens = match and not (match["fence"][0] == "`" and "`" in match["info"])
            if opens:
                fence = match["fence"]
                lines.append(CODE_TOKEN)
            else:
                lines.append(_INLINE_CODE.sub(INLINE_CODE_TOKEN, line))
        elif match and match["fence"][0] == fence[0] and len(match["fence"]) >= len(fence) and not match["info"].strip():
            fence = None
    return "\n".join(lines)


def clean_post(text: str) -> str:
    """One decoded post as corpus text: no frontmatter, code as tokens, tidy blank lines (ch. 01)."""
    body = replace_code(strip_frontmatter(text.replace("\r\n", "\n")))
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


def clean_corpus(src_dir, dst_dir) -> CorpusReport:
    """Clean every markdown post under `src_dir` into a `.txt` file at the same place under `dst_dir` (ch. 01).

    The output is plain text, no longer markdown, hence `.txt`: fastai's text readers take it as is.
    Files that are empty, binary or not text are skipped and reported; `src_dir` is never written.
    """
    src, dst = Path(src_dir).resolve(), Path(dst_dir).resolve()
    if not src.is_dir():
        raise NotADirectoryError(f"{src_dir} is not a folder of posts")
    if dst == src or src in dst.parents:
        raise ValueError(f"the cleaned corpus must go outside the posts folder, not into {dst_dir}")
    report = CorpusReport()
    for path in sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in POST_SUFFIXES):
        relative = path.relative_to(src)
        text, how = decode_post(path.read_bytes())
        body = clean_post(text) if text is not None else ""
        if text is not None and not body.strip():
            how = "empty"
        if not body.strip():
            report.skipped.append((relative, how))
            continue
        target = dst / relative.with_suffix(".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        report.written.append((relative, how))
    return report
