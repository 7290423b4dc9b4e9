"""Named-entity helpers for the drug / adverse-effect tagger: relation rows, BIO tags, sub-words."""
from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence

# The outside tag is the letter O: seqeval reads any other string as an entity type.
LABELS = ("O", "B-DRUG", "I-DRUG", "B-EFFECT", "I-EFFECT")
ENTITY_TYPES = ("DRUG", "EFFECT")
IGNORE_INDEX = -100  # what PyTorch's cross-entropy skips: specials and continuation sub-tokens

_WORD = re.compile(r"\w+|[^\w\s]")


def merge_relations(rows: Iterable[Mapping]) -> list[dict]:
    """One record per distinct sentence, with the union of its drug and effect spans (ch. 09).

    `rows` follow the ADE relation schema: `text` and `indexes = {"drug": {"start_char": [..],
    "end_char": [..]}, "effect": {...}}`. A sentence with several drug-effect pairs appears once per
    pair there; tagging each copy separately would teach the model contradicting labels.
    """
    merged: dict[str, dict] = {}
    for row in rows:
        text, indexes = row["text"], row["indexes"]
        record = merged.setdefault(text, {"text": text, "drug_spans": set(), "effect_spans": set()})
        for kind in ("drug", "effect"):
            starts, ends = indexes[kind]["start_char"], indexes[kind]["end_char"]
            if len(starts) != len(ends):
                raise ValueError(f"{kind} spans of {text[:60]!r} have {len(starts)} starts "
                                 f"but {len(ends)} ends")
            for start, end in zip(starts, ends):
                if not 0 <= start < end <= len(text):
                    raise ValueError(f"{kind} span ({start}, {end}) lies outside {text[:60]!r}")
                record[f"{kind}_spans"].add((start, end))
    return [
        {"text": r["text"], "drug_spans": sorted(map(list, r["drug_spans"])),
         "effect_spans": sorted(map(list, r["effect_spans"]))}
        for r in merged.values()
    ]


def split_words(text: str) -> list[tuple[str, int, int]]:
    """Words and punctuation marks with their character offsets, cut as BERT's are (ch. 09)."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def bio_tags(text: str, drug_spans: Sequence[Sequence[int]],
             effect_spans: Sequence[Sequence[int]]) -> tuple[list[str], list[str]]:
    """Words of `text` and one BIO tag per word: B- on a span's first word, I- on the rest (ch. 09).

    Where a drug and an effect overlap (e.g. a drug named inside an effect), the span that starts
    first keeps the words.
    """
    words = split_words(text)
    tags = ["O"] * len(words)
    spans = sorted([(s, e, "DRUG") for s, e in drug_spans]
                   + [(s, e, "EFFECT") for s, e in effect_spans])
    for start, end, kind in spans:
        inside = [i for i, (_, ws, we) in enumerate(words)
                  if ws < end and we > start and tags[i] == "O"]
        for position, i in enumerate(inside):
            tags[i] = f"{'B' if position == 0 else 'I'}-{kind}"
    return [w for w, _, _ in words], tags


def align_labels(word_ids: Sequence[int | None], word_labels: Sequence[int]) -> list[int]:
    """Sub-token labels: a word's label on its first sub-token, -100 elsewhere (ch. 09)."""
    labels, previous = [], None
    for word_id in word_ids:
        if word_id is None or word_id == previous:
            labels.append(IGNORE_INDEX)
        else:
            if word_id >= len(word_labels):
                raise IndexError(f"word id {word_id} but only {len(word_labels)} word labels")
            labels.append(word_labels[word_id])
        previous = word_id
    return labels


def group_split(keys: Sequence, test_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Train and test row indices, every row sharing a key (e.g. a text) on one side (ch. 09)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}")
    groups: dict = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    order = list(groups)
    random.Random(seed).shuffle(order)
    n_test = max(1, round(test_fraction * len(order)))
    if n_test >= len(order):
        raise ValueError(f"{len(order)} distinct keys are too few to split off a test set")
    test = sorted(i for key in order[:n_test] for i in groups[key])
    train = sorted(i for key in order[n_test:] for i in groups[key])
    return train, test


def entity_scores(true_tags: list[list[str]],
                  predicted_tags: list[list[str]]) -> dict[str, dict[str, float]]:
    """Exact-span precision, recall and F1 with seqeval: overall, weighted, per type (ch. 09).

    "overall" pools every entity (micro average); "weighted" is the mean of the per-type scores
    weighted by each type's number of true entities, the figure the book reports as its F1.
    """
    from seqeval.metrics import classification_report

    pairs = zip(true_tags, predicted_tags)
    if len(true_tags) != len(predicted_tags) or any(len(t) != len(p) for t, p in pairs):
        raise ValueError("true and predicted tag sequences must match in number and length")
    report = classification_report(true_tags, predicted_tags, output_dict=True, zero_division=0)
    rows = {"overall": report["micro avg"], "weighted": report["weighted avg"]}
    rows.update({kind: report[kind] for kind in ENTITY_TYPES if kind in report})
    return {
        name: {"precision": r["precision"], "recall": r["recall"], "f1": r["f1-score"],
               "support": int(r["support"])}
        for name, r in rows.items()
    }


def highlight(text: str, tags: Sequence[str]) -> str:
    """`text` as markdown, each entity in bold followed by its type: **aspirin** `DRUG` (ch. 09).

    `tags` holds one BIO tag per word of `split_words(text)`; the text between words is kept as is.
    """
    words = split_words(text)
    if len(words) != len(tags):
        raise ValueError(f"{len(words)} words but {len(tags)} tags")
    pieces, cursor, open_kind = [], 0, None
    for (_, start, end), tag in zip(words, tags):
        kind = tag[2:] if tag != "O" else None
        starts_entity = tag.startswith("B-") or (kind is not None and kind != open_kind)
        if open_kind and (kind is None or starts_entity):
            pieces.append(f"** `{open_kind}`")
            open_kind = None
        pieces.append(text[cursor:start])
        if starts_entity:
            pieces.append("**")
            open_kind = kind
        pieces.append(text[start:end])
        cursor = end
    if open_kind:
        pieces.append(f"** `{open_kind}`")
    return "".join(pieces) + text[cursor:]
