"""Chat replies are scored per part: the speaker, and the message's words in any language."""
import pytest

from genai_course.metrics import UnicodeWords, chat_scores, rouge_scores, split_sender


def test_default_rouge_drops_accented_letters():
    # Why chapter 03 does not use the default: rouge_score keeps only a-z and 0-9.
    from rouge_score import tokenize

    assert tokenize.tokenize("¿Qué árbitro?", None) == ["qu", "rbitro"]
    assert UnicodeWords().tokenize("¿Qué árbitro?") == ["qué", "árbitro"]


def test_sender_prefix_inflates_whole_line_rouge():
    # Two different messages by the same person share only the name, and score 0.31 as lines.
    guess, real = "Ana Costa: O árbitro estava a dormir", "Ana Costa: Que golo no fim!"
    assert rouge_scores([guess], [real])["rouge1"] > 30
    scores = chat_scores([guess], [real])
    assert scores["speaker accuracy"] == 100.0
    assert scores["rouge1"] == 0.0


def test_bodies_in_any_language_count():
    scores = chat_scores(["Diego Ruiz: ¡Qué partidazo!"], ["Ana Costa: ¡Qué partidazo!"])
    assert scores["speaker accuracy"] == 0.0
    assert scores["rouge1"] == scores["rougeL"] == 100.0


def test_split_sender():
    assert split_sender("Émile Laurent: Best game") == ("Émile Laurent", "Best game")
    assert split_sender("details: https://example.org") == ("details", "https://example.org")
    assert split_sender("https://example.org") == ("", "https://example.org")
    assert split_sender("no name here") == ("", "no name here")


def test_a_reply_without_a_name_never_matches_the_speaker():
    assert chat_scores(["hello"], ["hello"])["speaker accuracy"] == 0.0


def test_default_rouge_is_unchanged():
    assert rouge_scores(["the cats sat"], ["the cat sat"])["rouge1"] == 100.0  # Porter stemming
    with pytest.raises(ValueError):
        rouge_scores(["a"], [])
