"""Tests for the ch. 12 sentence splitter and lead-n baseline."""
import pytest

from genai_course.summarise import lead_n, split_sentences


def test_splits_on_full_stops_questions_and_exclamations():
    assert split_sentences("It rained. Did it stop? Yes!  Finally.") == ["It rained.", "Did it stop?", "Yes!", "Finally."]


def test_keeps_abbreviations_and_initials_whole():
    text = "Dr. Jones met U.S. officials in St. Ives. J. R. Smith agreed."
    assert split_sentences(text) == ["Dr. Jones met U.S. officials in St. Ives.", "J. R. Smith agreed."]


def test_closing_quote_stays_with_its_sentence():
    assert split_sentences('"We won," she said. "It was great." Then we left.') == [
        '"We won," she said.', '"It was great."', "Then we left."
    ]


def test_lead_n_takes_first_sentences_one_per_line():
    assert lead_n("One. Two. Three. Four.", 3) == "One.\nTwo.\nThree."
    assert lead_n("Only one sentence here", 3) == "Only one sentence here"
    assert lead_n("", 3) == ""


def test_bad_input_raises_clear_errors():
    with pytest.raises(TypeError):
        split_sentences(None)
    with pytest.raises(ValueError):
        lead_n("A. B.", 0)
