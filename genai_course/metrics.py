"""Metrics computed offline with the libraries `evaluate` wraps, so both profiles score the same way."""
from __future__ import annotations

ROUGE_KINDS = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def rouge_scores(predictions: list[str], references: list[str]) -> dict[str, float]:
    """Mean ROUGE-1/2/L/Lsum F-measures in percent, stemmed; rougeLsum reads one sentence a line (ch. 03)."""
    from rouge_score import rouge_scorer

    if len(predictions) != len(references) or not predictions:
        raise ValueError(f"need as many predictions as references, at least one ({len(predictions)} vs {len(references)})")
    scorer = rouge_scorer.RougeScorer(list(ROUGE_KINDS), use_stemmer=True)
    scores = [scorer.score(ref, pred) for pred, ref in zip(predictions, references)]
    return {kind: round(100 * sum(s[kind].fmeasure for s in scores) / len(scores), 2) for kind in ROUGE_KINDS}


def bleu_score(predictions: list[str], references: list[str]) -> float:
    """Corpus BLEU (sacrebleu, 0-100) of predictions against one reference each (ch. 11)."""
    import sacrebleu

    if len(predictions) != len(references) or not predictions:
        raise ValueError(f"need as many predictions as references, at least one ({len(predictions)} vs {len(references)})")
    return round(sacrebleu.corpus_bleu(list(predictions), [list(references)]).score, 2)
