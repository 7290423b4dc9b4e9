"""The PubMedQA replica (ch. 11) loads as `qiaojin/PubMedQA` does on the hub: configs, features."""
import pytest

from genai_course import load_hub_dataset

REPO = "qiaojin/PubMedQA"
CONTEXT = ["contexts", "labels", "meshes"]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")


def test_pqa_labeled_has_the_hub_features():
    rows = load_hub_dataset(REPO, "pqa_labeled", split="train")
    assert rows.column_names == ["pubid", "question", "context", "long_answer", "final_decision"]
    predictions = ["reasoning_required_pred", "reasoning_free_pred"]
    assert list(rows.features["context"]) == CONTEXT + predictions
    assert rows.features["pubid"].dtype == "int32"
    assert set(rows["final_decision"]) <= {"yes", "no", "maybe"}
    assert len(set(rows["pubid"])) == len(rows)


@pytest.mark.parametrize("config, columns", [
    ("pqa_artificial", ["pubid", "question", "context", "long_answer", "final_decision"]),
    ("pqa_unlabeled", ["pubid", "question", "context", "long_answer"]),
])
def test_the_other_configs_exist(config, columns):
    rows = load_hub_dataset(REPO, config, split="train")
    assert rows.column_names == columns and list(rows.features["context"]) == CONTEXT


@pytest.mark.parametrize("name", [None, "pqa_labelled", "default"])
def test_a_wrong_config_fails_as_on_the_hub(name):
    # Three configs and no default: the hub refuses a missing or misspelt name, so does the replica.
    with pytest.raises(ValueError):
        load_hub_dataset(REPO, name, split="train")
