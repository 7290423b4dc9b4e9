"""Chapters 02, 03 and 09 load models the way the hub serves them, and train in float32."""
import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
TRAINING_CHAPTERS = ["02_gpt2_bloom_trainer", "03_flan_t5_group_chat", "09_bert_classification_ner"]


@pytest.fixture(autouse=True)
def smoke(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")


def folder(hub_id):
    from genai_course import checkpoint

    return Path(checkpoint(hub_id))


def test_bloom_arrives_in_float16_unless_asked(tmp_path):
    # transformers 5 loads dtype="auto": the hub's BLOOM-560m weights are float16, so are ours.
    import torch
    from transformers import AutoModelForCausalLM

    bloom = folder("bigscience/bloom-560m")
    assert AutoModelForCausalLM.from_pretrained(bloom).dtype == torch.float16
    assert AutoModelForCausalLM.from_pretrained(bloom, dtype=torch.float32).dtype == torch.float32


@pytest.mark.parametrize("stem", TRAINING_CHAPTERS)
def test_trained_models_are_loaded_in_float32(stem):
    nb = nbformat.read(ROOT / "chapters" / f"{stem}.ipynb", as_version=4)
    loads = [call for cell in nb.cells if cell.cell_type == "code" and "%" not in cell.source
             for call in ast.walk(ast.parse(cell.source)) if isinstance(call, ast.Call)
             and isinstance(call.func, ast.Attribute) and call.func.attr == "from_pretrained"
             and isinstance(call.func.value, ast.Name)
             and re.match(r"AutoModelFor", call.func.value.id)]
    assert loads, "the chapter loads a model to train"
    for call in loads:
        dtype = {kw.arg: ast.unparse(kw.value) for kw in call.keywords}.get("dtype")
        assert dtype == "torch.float32", ast.unparse(call)


def test_gpt2_tokenizer_takes_the_hub_path():
    # The hub's tokenizer_config.json names no class and no tokens: GPT2Tokenizer's defaults apply.
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder("gpt2"))
    assert type(tokenizer).__name__ == "GPT2Tokenizer"
    assert tokenizer.eos_token == "<|endoftext|>" and tokenizer.eos_token_id == 50256
    assert tokenizer.pad_token is None


def test_flan_t5_keeps_its_own_output_head():
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(folder("google/flan-t5-base"))
    assert model.lm_head.weight is not model.shared.weight
    assert not model.config.scale_decoder_outputs  # tie_word_embeddings: false in the hub config


def test_biobert_ships_like_the_hub():
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from genai_course.budget import hub_record

    path = folder("dmis-lab/biobert-v1.1")
    names = {p.name for p in path.iterdir()}
    assert {"pytorch_model.bin", "vocab.txt"} <= names
    assert not names & {"model.safetensors", "tokenizer.json"}
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    assert set(config) == set(hub_record("dmis-lab/biobert-v1.1"))
    tokenizer = AutoTokenizer.from_pretrained(path)
    assert tokenizer.tokenize("Haloperidol") != tokenizer.tokenize("haloperidol")  # cased, as v1.1
    model = AutoModelForTokenClassification.from_pretrained(path, num_labels=5)
    assert model.config.model_type == "bert"


def test_quiet_trainer_evaluates_before_training(tmp_path):
    # Chapters measure perplexity before they train; the progress bar must not mind.
    import torch
    from datasets import Dataset
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        DataCollatorForLanguageModeling,
        Trainer,
        TrainingArguments,
    )

    from genai_course.training import quiet

    tokenizer = AutoTokenizer.from_pretrained(folder("gpt2"))
    tokenizer.pad_token = tokenizer.eos_token
    data = Dataset.from_dict(tokenizer(["the pond in the morning", "winter came"]))
    model = AutoModelForCausalLM.from_pretrained(folder("gpt2"), dtype=torch.float32)
    args = TrainingArguments(output_dir=str(tmp_path), report_to="none", max_steps=1,
                             per_device_train_batch_size=2, use_cpu=True)
    trainer = quiet(Trainer(model=model, args=args, train_dataset=data, eval_dataset=data,
                            data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False)))
    assert trainer.evaluate()["eval_loss"] > 0
    trainer.train()


def test_log_history_of_a_run_too_short_to_log():
    from types import SimpleNamespace

    from genai_course.training import log_history

    trainer = SimpleNamespace(state=SimpleNamespace(log_history=[{"train_loss": 2.0, "step": 2}]))
    train, evals = log_history(trainer)
    assert train.empty and list(train["loss"]) == [] and list(evals["eval_loss"]) == []


@pytest.mark.parametrize("profile", ["smoke", "rehearse", "full"])
def test_web_file_is_one_reader_for_every_profile(monkeypatch, profile):
    import urllib.request

    from genai_course.hub import web_file
    from genai_course.paths import data_path

    monkeypatch.setenv("GENAI_PROFILE", profile)
    url = web_file("https://www.gutenberg.org/cache/epub/205/pg205.txt",
                   offline=data_path("walden", "pond_notes.txt"))
    if profile == "full":
        assert url.startswith("https://")
    else:  # offline, even with the full profile's values: the same urlopen call reads it
        with urllib.request.urlopen(url) as response:
            assert response.read().decode("utf-8").startswith("Notes from a Cabin")
