"""Summarisation helpers: a small sentence splitter and the lead-n baseline (ch. 12)."""
from __future__ import annotations

import re

# Abbreviations whose full stop does not end a sentence (lower-case, without the dot).
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "mt", "jr", "sr", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no"}
# A candidate boundary: . ! or ? (plus closing quotes/brackets), whitespace, then an upper-case letter, digit or quote.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split English text into sentences with a regex, keeping abbreviations such as Dr. or U.S. whole (ch. 12)."""
    if not isinstance(text, str):
        raise TypeError(f"split_sentences needs a str, got {type(text).__name__}")
    text = " ".join(text.split())
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(text):
        end = match.start() + len(match.group(1))
        last_word = text[start:end].rstrip("\"')]").split(" ")[-1].lower().rstrip(".!?")
        if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
            continue  # "Dr. Smith", "U.S. officials", "J. Smith": not a boundary
        sentences.append(text[start:end].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def lead_n(text: str, n: int = 3) -> str:
    """The lead-n baseline summary: the first `n` sentences of a document, one per line (ch. 12)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return "\n".join(split_sentences(text)[:n])
