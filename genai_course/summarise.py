"""Summarisation helpers: a sentence splitter, the lead-n baseline, a degeneracy measure, and
float32 LoRA adapters under trl (ch. 12, 13)."""
from __future__ import annotations

import re

# Abbreviations whose full stop does not end a sentence (lower-case, without the dot).
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "mt", "jr", "sr", "vs", "etc", "e.g",
                  "i.e", "u.s", "u.k", "u.n", "no"}
# A candidate boundary: . ! or ? (plus closing quotes/brackets), whitespace, then an upper-case
# letter, digit or quote.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"')\]]*)\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """English text as a list of sentences, abbreviations like Dr. or U.S. kept whole (ch. 12)."""
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


def distinct_ratio(texts: list[str]) -> float:
    """Distinct-1: distinct lower-cased words over all words of `texts`, 0.0 if none (ch. 12, 13).

    Degenerate generations (the same summary for every input, one glowing word repeated) score near
    zero; varied text scores far higher. Words are runs of letters and digits, so "warm,,,, warm,"
    is one word twice. Comparable only between text collections of similar size.
    """
    words = [word for text in texts for word in re.findall(r"\w+", text.lower())]
    return len(set(words)) / len(words) if words else 0.0


def float32_adapters(model) -> int:
    """Put every trainable weight of `model` back in float32; returns how many it cast (ch. 12).

    trl's SFTTrainer casts the LoRA weights of a 4-bit model to bfloat16 when it builds the model,
    following the QLoRA paper. A T4 has no native bfloat16: it would emulate it, slowly, beside
    float16 modules that fp16 mixed precision does not scale. In float32 the adapters train under
    the hardware's own autocast (float16 on a T4) with float32 master weights. Call it before
    training: the optimiser is built from these parameters when training starts.
    """
    import torch

    cast = 0
    for param in model.parameters():
        if param.requires_grad and param.dtype != torch.float32:
            param.data = param.data.float()
            cast += 1
    return cast
