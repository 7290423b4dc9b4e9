"""Metrics computed offline with the libraries `evaluate` wraps: both profiles score alike."""
from __future__ import annotations

import re

ROUGE_KINDS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
_WORD = re.compile(r"\w+")
_SENDER = re.compile(r"^\s*([^:\n]{1,60}):\s+(.*)$", re.DOTALL)


class UnicodeWords:
    """Lower-cased Unicode words for rouge_score, whose default keeps only a-z and 0-9 (ch. 03).

    The default tokenizer turns "¿Qué árbitro?" into ["qu", "rbitro"]: accented letters, and so
    much of any text that is not English, are dropped before anything is counted.
    """

    def tokenize(self, text: str) -> list[str]:
        return _WORD.findall(text.lower())


def _check_pairs(predictions, references) -> None:
    if len(predictions) != len(references) or not predictions:
        raise ValueError(f"need as many predictions as references, at least one "
                         f"({len(predictions)} vs {len(references)})")


def rouge_scores(predictions: list[str], references: list[str], tokenizer=None) -> dict[str, float]:
    """Mean ROUGE-1/2/L/Lsum F-measures in percent; rougeLsum reads one sentence a line (ch. 03).

    By default rouge_score's own English tokenizer with Porter stemming; pass `tokenizer` (an
    object with a `tokenize(text)` method, e.g. `UnicodeWords()`) for other languages, unstemmed.
    """
    from rouge_score import rouge_scorer

    _check_pairs(predictions, references)
    scorer = rouge_scorer.RougeScorer(list(ROUGE_KINDS), use_stemmer=tokenizer is None,
                                      tokenizer=tokenizer)
    scores = [scorer.score(ref, pred) for pred, ref in zip(predictions, references)]
    return {kind: round(100 * sum(s[kind].fmeasure for s in scores) / len(scores), 2)
            for kind in ROUGE_KINDS}


def split_sender(message: str) -> tuple[str, str]:
    """A chat line `Name: text` as (name, text); ("", message) when it names nobody (ch. 03)."""
    match = _SENDER.match(message)
    return (match[1].strip(), match[2].strip()) if match else ("", message.strip())


def chat_scores(predictions: list[str], references: list[str]) -> dict[str, float]:
    """Replies scored in two parts, in percent: the speaker, and ROUGE of the message (ch. 03).

    Scored whole, `Name: text` lines share the name's words whenever the speaker is guessed right,
    which can outweigh the message itself; the bodies are scored with Unicode word tokens.
    """
    _check_pairs(predictions, references)
    guessed, real = [split_sender(p) for p in predictions], [split_sender(r) for r in references]
    correct = sum(g[0] == r[0] != "" for g, r in zip(guessed, real))
    bodies = rouge_scores([g[1] for g in guessed], [r[1] for r in real], tokenizer=UnicodeWords())
    return {"speaker accuracy": round(100 * correct / len(real), 2),
            **{kind: bodies[kind] for kind in ("rouge1", "rouge2", "rougeL")}}


def bleu_score(predictions: list[str], references: list[str]) -> float:
    """Corpus BLEU (sacrebleu, 0-100) of predictions against one reference each (ch. 11)."""
    import sacrebleu

    _check_pairs(predictions, references)
    return round(sacrebleu.corpus_bleu(list(predictions), [list(references)]).score, 2)
