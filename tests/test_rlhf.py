"""Chapter 13's policy stand-in and IMDb replica, and the pass marks its hidden checks use."""
import json

import pytest

from genai_course import profile, standins
from genai_course.budget import HUB_RECORDS
from genai_course.hub import load_hub_dataset


def test_policy_standin_has_gpt2s_special_tokens_and_no_pad():
    from transformers import AutoTokenizer

    hub = json.loads((HUB_RECORDS / "lvwerra--gpt2-imdb" / "special_tokens_map.json").read_text())
    tokenizer = AutoTokenizer.from_pretrained(standins.standin_path("lvwerra/gpt2-imdb"))
    assert {key: getattr(tokenizer, key) for key in hub} == hub
    assert tokenizer.pad_token is None  # the chapter sets pad = eos itself, as it must on the hub


def test_imdb_replica_has_the_hubs_config_splits_and_labels(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    imdb = load_hub_dataset("stanfordnlp/imdb")
    assert set(imdb) == {"train", "test", "unsupervised"}
    assert imdb["train"].features["label"].names == ["neg", "pos"]
    assert set(imdb["unsupervised"]["label"]) == {-1}
    test = load_hub_dataset("stanfordnlp/imdb", "plain_text", split="test")
    assert test.num_rows == imdb["test"].num_rows
    with pytest.raises(ValueError, match="'default' not found"):
        load_hub_dataset("stanfordnlp/imdb", "default")


@pytest.mark.parametrize("name, low, high", [("full", 0.5, 15.0), ("smoke", 0.1, 40.0),
                                             ("rehearse", float("-inf"), float("inf"))])
def test_pass_marks_follow_the_profile_and_let_a_rehearsal_through(monkeypatch, name, low, high):
    monkeypatch.setenv("GENAI_PROFILE", name)
    assert profile.at_least(full=0.5, smoke=0.1) == low
    assert profile.at_most(full=15.0, smoke=40.0) == high
