"""Unit tests for genai_course.ner (ch. 09)."""
import pytest

from genai_course.ner import (
    IGNORE_INDEX,
    LABELS,
    align_labels,
    bio_tags,
    entity_scores,
    group_split,
    highlight,
    merge_relations,
    split_words,
)

TEXT = "Naproxen caused tense bullae and skin fragility."


def row(drug, effect):
    return {"text": TEXT,
            "indexes": {"drug": {"start_char": [drug[0]], "end_char": [drug[1]]},
                        "effect": {"start_char": [effect[0]], "end_char": [effect[1]]}}}


def test_outside_tag_is_the_letter_o():
    assert LABELS[0] == "O" and "0" not in LABELS


def test_merge_relations_unions_spans_of_repeated_sentences():
    rows = [row((0, 8), (16, 28)), row((0, 8), (33, 47))]
    merged = merge_relations(rows)
    assert merged == [{"text": TEXT, "drug_spans": [[0, 8]], "effect_spans": [[16, 28], [33, 47]]}]


def test_merge_relations_rejects_spans_outside_the_text():
    with pytest.raises(ValueError, match="outside"):
        merge_relations([row((0, 8), (40, 400))])


def test_bio_tags_mark_first_word_b_and_the_rest_i():
    words, tags = bio_tags(TEXT, [[0, 8]], [[16, 28], [33, 47]])
    assert words == ["Naproxen", "caused", "tense", "bullae", "and", "skin", "fragility", "."]
    assert tags == ["B-DRUG", "O", "B-EFFECT", "I-EFFECT", "O", "B-EFFECT", "I-EFFECT", "O"]


def test_split_words_keeps_offsets():
    assert split_words("5-FU, twice") == [
        ("5", 0, 1), ("-", 1, 2), ("FU", 2, 4), (",", 4, 5), ("twice", 6, 11)]


def test_align_labels_labels_first_subtoken_only():
    # [CLS] nap ##roxen caused [SEP]
    expected = [IGNORE_INDEX, 1, IGNORE_INDEX, 0, IGNORE_INDEX]
    assert align_labels([None, 0, 0, 1, None], [1, 0]) == expected


def test_align_labels_rejects_missing_word_labels():
    with pytest.raises(IndexError):
        align_labels([None, 0, 1, None], [1])


def test_group_split_keeps_duplicates_together():
    keys = ["a", "b", "a", "c", "d", "b", "e", "f", "g", "h"]
    train, test = group_split(keys, 0.3, seed=0)
    assert sorted(train + test) == list(range(len(keys)))
    assert not {keys[i] for i in train} & {keys[i] for i in test}
    assert group_split(keys, 0.3, seed=0) == (train, test)


def test_group_split_rejects_bad_fraction():
    with pytest.raises(ValueError):
        group_split(["a", "b"], 1.5, seed=0)


def test_entity_scores_per_type():
    true = [["B-DRUG", "O", "B-EFFECT", "I-EFFECT"]]
    pred = [["B-DRUG", "O", "B-EFFECT", "O"]]
    scores = entity_scores(true, pred)
    assert scores["DRUG"]["f1"] == 1.0
    assert scores["EFFECT"]["f1"] == 0.0
    assert scores["overall"]["precision"] == 0.5


def test_highlight_marks_entities_and_keeps_spacing():
    words, tags = bio_tags(TEXT, [[0, 8]], [[16, 28]])
    assert highlight(TEXT, tags) == (
        "**Naproxen** `DRUG` caused **tense bullae** `EFFECT` and skin fragility.")
    text = "A 38-year-old took 5-FU, then had rash."
    _, tags = bio_tags(text, [[19, 23]], [[34, 38]])
    assert highlight(text, tags) == (
        "A 38-year-old took **5-FU** `DRUG`, then had **rash** `EFFECT`.")


def test_highlight_rejects_wrong_number_of_tags():
    with pytest.raises(ValueError):
        highlight(TEXT, ["O"])


def test_entity_scores_weighted_is_the_support_weighted_type_mean():
    true = [["B-DRUG", "O", "B-EFFECT", "I-EFFECT"], ["B-DRUG"]]
    pred = [["B-DRUG", "O", "B-EFFECT", "O"], ["O"]]
    scores = entity_scores(true, pred)
    drug, effect = scores["DRUG"], scores["EFFECT"]
    expected = (drug["f1"] * drug["support"] + effect["f1"] * effect["support"]) / 3
    assert scores["weighted"]["f1"] == pytest.approx(expected)


def test_digit_zero_outside_tag_adds_an_entity_type_and_leaves_drug_and_effect_alone():
    # The book's bug: seqeval reads "0" as an entity of type "_", one per run of 0 tags.
    import warnings

    from seqeval.metrics import classification_report
    from seqeval.metrics.sequence_labeling import get_entities

    true = [["B-DRUG", "O", "O", "B-EFFECT", "I-EFFECT", "O"], ["O", "O", "B-DRUG", "O"]]
    pred = [["B-DRUG", "O", "O", "B-EFFECT", "O", "O"], ["O", "O", "O", "O"]]

    def digit(tags):
        return [["0" if t == "O" else t for t in s] for s in tags]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the run of two 0 tags between the drug and the effect is one entity
        assert get_entities(digit(true)[0]) == [("DRUG", 0, 0), ("_", 1, 2), ("EFFECT", 3, 4)]
        letter = classification_report(true, pred, output_dict=True, zero_division=0)
        zero = classification_report(digit(true), digit(pred), output_dict=True, zero_division=0)
    assert "_" in zero and "_" not in letter
    for kind in ("DRUG", "EFFECT"):
        assert zero[kind] == letter[kind]
    assert zero["micro avg"]["f1-score"] != letter["micro avg"]["f1-score"]
