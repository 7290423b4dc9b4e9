"""Turn a folder of markdown blog posts into a plain-text corpus a language model can learn from."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

POST_SUFFIXES = (".md", ".markdown")
ENCODINGS = ("utf-8", "cp1252", "latin-1")  # latin-1 decodes any byte, so it goes last
CODE_TOKEN = "<CODE>"
INLINE_CODE_TOKEN = "<INLINE_CODE>"
# The files clean_corpus wrote into a corpus folder, so that a rerun replaces only those.
CORPUS_MANIFEST = ".clean_corpus.json"

_FRONTMATTER = re.compile(r"\A(?P<fence>---|\+\+\+)[ \t]*\r?\n.*?^(?P=fence)[ \t]*(?:\r?\n|\Z)",
                          re.S | re.M)
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
    """Decode a post's bytes as utf-8, else cp1252, else latin-1 (ch. 01).

    Returns (text, encoding), or (None, reason) for a file that is empty, binary or not text.
    """
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
    """Drop a leading YAML (`---`) or TOML (`+++`) frontmatter block, nothing below (ch. 01)."""
    return _FRONTMATTER.sub("", text, count=1)


def replace_code(text: str) -> str:
    """Fenced code blocks become one `<CODE>` token each, inline code `<INLINE_CODE>` (ch. 01).

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
        elif (match and match["fence"][0] == fence[0] and len(match["fence"]) >= len(fence)
              and not match["info"].strip()):
            fence = None
    return "\n".join(lines)


def clean_post(text: str) -> str:
    """One decoded post as corpus text: no frontmatter, code as tokens, tidy blanks (ch. 01)."""
    body = replace_code(strip_frontmatter(text.replace("\r\n", "\n")))
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


class CorpusError(ValueError):
    """`clean_corpus` would write into the posts, or over files it did not write (ch. 01)."""


def _posts_under(src: Path) -> list[Path]:
    return sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in POST_SUFFIXES)


def _check_folders(src: Path, dst: Path, src_dir, dst_dir) -> None:
    if not src.is_dir():
        raise NotADirectoryError(f"{src_dir} is not a folder of posts")
    if dst == src or src in dst.parents:
        raise CorpusError(f"the cleaned corpus must go outside the posts folder, not into "
                          f"{dst_dir}")
    if dst in src.parents:
        raise CorpusError(f"the posts folder {src_dir} is inside {dst_dir}: cleaning could write "
                          "into it; choose a corpus folder outside it")
    if dst.exists() and not dst.is_dir():
        raise CorpusError(f"{dst_dir} is a file, not a folder")


def _previous_output(dst: Path, dst_dir) -> set[str]:
    """The files an earlier `clean_corpus` wrote into `dst`; refuses a folder with anything else."""
    manifest = dst / CORPUS_MANIFEST
    owned: set[str] = set()
    if manifest.is_file():
        try:
            owned = set(json.loads(manifest.read_text(encoding="utf-8"))["files"])
        except (ValueError, KeyError, TypeError):
            raise CorpusError(f"{manifest} is damaged; empty {dst_dir} or choose another "
                              "folder") from None
    present = (p for p in (dst.rglob("*") if dst.is_dir() else [])
               if not p.is_dir() and p != manifest)
    foreign = sorted(name for name in (p.relative_to(dst).as_posix() for p in present)
                     if name not in owned)
    if foreign:
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        shown = ", ".join(foreign[:3]) + more
        raise CorpusError(f"{dst_dir} holds files not written by clean_corpus ({shown}); "
                          "choose an empty folder or move them away")
    return owned


def _write_manifest(dst: Path, files) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    record = {"written_by": "genai_course.blog.clean_corpus", "files": sorted(files)}
    (dst / CORPUS_MANIFEST).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def _remove_stale(dst: Path, stale) -> None:
    for name in stale:
        path = dst / name
        path.unlink(missing_ok=True)
        # Folders emptied by removing our own files go too; anything else keeps them.
        for folder in path.parents:
            if folder == dst or any(folder.iterdir()):
                break
            folder.rmdir()


def clean_corpus(src_dir, dst_dir) -> CorpusReport:
    """Clean each markdown post under `src_dir` into a `.txt` at its place under `dst_dir` (ch. 01).

    The output is plain text, no longer markdown, hence `.txt`: fastai's text readers take it as is.
    Files that are empty, binary or not text are skipped and reported, and so is a post that would
    clean to the same file as another (`a.md` and `a.markdown`, or `A.md` and `a.md`).

    `dst_dir` must be empty or hold only what an earlier run wrote (listed in its
    `.clean_corpus.json`): that output is replaced, and the files of posts since deleted from
    `src_dir` are removed. `src_dir` is never written.
    """
    src, dst = Path(src_dir).resolve(), Path(dst_dir).resolve()
    _check_folders(src, dst, src_dir, dst_dir)
    previous = _previous_output(dst, dst_dir)
    report, planned = CorpusReport(), {}
    bodies = {}
    for path in _posts_under(src):
        relative = path.relative_to(src)
        text, how = decode_post(path.read_bytes())
        body = clean_post(text) if text is not None else ""
        if text is not None and not body.strip():
            how = "empty"
        if not body.strip():
            report.skipped.append((relative, how))
            continue
        target = relative.with_suffix(".txt").as_posix()
        # Case-insensitive file systems (macOS, Windows) would merge A.txt and a.txt too.
        twin = planned.get(target.casefold())
        if twin is not None:
            reason = f"cleans to the same {target} as {twin.as_posix()}: rename one"
            report.skipped.append((relative, reason))
            continue
        planned[target.casefold()] = relative
        bodies[target] = body
        report.written.append((relative, how))
    # Listed before writing, so an interrupted run leaves nothing a rerun would take for the user's.
    _write_manifest(dst, previous | set(bodies))
    for target, body in bodies.items():
        (dst / target).parent.mkdir(parents=True, exist_ok=True)
        (dst / target).write_text(body, encoding="utf-8")
    _remove_stale(dst, previous - set(bodies))
    _write_manifest(dst, bodies)
    return report
