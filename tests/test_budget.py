"""Memory budgets built on the meta device agree with a real model's parameter count."""

import json

import pytest

from genai_course import budget

TINY_GPT2 = {
    "model_type": "gpt2",
    "architectures": ["GPT2LMHeadModel"],
    "n_embd": 64,
    "n_head": 4,
    "n_layer": 2,
    "n_positions": 128,
    "vocab_size": 1000,
}


@pytest.fixture
def records(tmp_path, monkeypatch):
    folder = tmp_path / "org--tiny"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(TINY_GPT2))
    monkeypatch.setattr(budget, "HUB_RECORDS", tmp_path)
    return tmp_path


def real_count():
    from transformers import GPT2Config, GPT2LMHeadModel

    config = dict(TINY_GPT2)
    config.pop("model_type")
    return sum(p.numel() for p in GPT2LMHeadModel(GPT2Config(**config)).parameters())


def test_meta_model_has_the_real_parameter_count(records):
    model = budget.meta_model("org/tiny", "transformers.AutoModelForCausalLM")
    assert next(model.parameters()).device.type == "meta"
    assert sum(p.numel() for p in model.parameters()) == real_count()


def test_full_training_costs_weights_grads_and_adamw(records):
    row = budget.part_memory(
        budget.Part("tiny", "org/tiny", "transformers.AutoModelForCausalLM", train="all")
    )
    n = real_count()
    assert row["trainable (M)"] == round(n / 1e6, 2)
    assert row["AdamW states (GiB)"] == round(8 * n / budget.GIB, 2)


def test_lora_counts_rank_times_in_plus_out(records):
    model = budget.meta_model("org/tiny", "transformers.AutoModelForCausalLM")
    # GPT-2's c_attn maps 64 -> 192 in each of 2 layers.
    assert budget.lora_parameters(model, ["c_attn"], rank=4) == 2 * 4 * (64 + 192)
    with pytest.raises(ValueError, match="no module"):
        budget.lora_parameters(model, ["q_proj"], rank=4)


def test_budget_table_totals_and_marks_estimates(records):
    table = budget.memory_budget(
        [budget.Part("tiny", "org/tiny", "transformers.AutoModelForCausalLM", train="all")],
        estimated={"activations": 20.0},
    )
    assert table.loc["activations", "figure"] == "estimated"
    assert "does not fit" in table.loc["sum", "figure"]


def test_missing_record_names_the_file_to_ship(records):
    with pytest.raises(FileNotFoundError, match="SOURCES.md"):
        budget.hub_record("org/absent")
