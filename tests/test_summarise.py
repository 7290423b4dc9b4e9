"""Chapter 12's helpers, stand-ins and dataset replicas: the sentence splitter and lead-n baseline,
distinct-1, float32 LoRA adapters under trl, and the hub layouts the chapter loads offline."""
import ast
import json
from pathlib import Path

import nbformat
import pytest

from genai_course import standins
from genai_course.budget import HUB_RECORDS
from genai_course.hub import load_hub_dataset
from genai_course.summarise import distinct_ratio, float32_adapters, lead_n, split_sentences

CHAPTER = Path(__file__).resolve().parents[1] / "chapters" / "12_summarisation_t5_llama.ipynb"
LLAMA = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"


def test_splits_on_full_stops_questions_and_exclamations():
    assert split_sentences("It rained. Did it stop? Yes!  Finally.") == [
        "It rained.", "Did it stop?", "Yes!", "Finally."]


def test_keeps_abbreviations_and_initials_whole():
    text = "Dr. Jones met U.S. officials in St. Ives. J. R. Smith agreed."
    assert split_sentences(text) == ["Dr. Jones met U.S. officials in St. Ives.",
                                     "J. R. Smith agreed."]


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


def test_distinct_ratio_tells_degenerate_from_varied_text():
    varied = ["The council approved the new bridge.", "Fans cheered as the club won promotion."]
    assert distinct_ratio(varied) == pytest.approx(11 / 13)  # "the" three times
    assert distinct_ratio(["The the the the the the"] * 2) == pytest.approx(1 / 12)
    assert distinct_ratio([varied[0]] * 10) == pytest.approx(5 / 60)  # one summary for every input
    assert distinct_ratio(["warm,,,,, warm, warm!"]) == pytest.approx(1 / 3)
    assert distinct_ratio(["", "  "]) == 0.0


def chapter_parameters() -> dict:
    """The constants the chapter's parameters cell assigns without a profile call."""
    nb = nbformat.read(CHAPTER, as_version=4)
    source = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            for target in node.targets:
                names = [t.id for t in getattr(target, "elts", [target])]
                values.update(zip(names, value) if len(names) > 1 else [(names[0], value)])
    return values


@pytest.fixture(scope="module")
def sft_trainer(tmp_path_factory):
    """The chapter's SFTTrainer set-up on the TinyLlama stand-in, flagged as loaded in 4 bits as
    bitsandbytes flags a real NF4 model (trl reads that flag)."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    params = chapter_parameters()
    path = standins.standin_path(LLAMA)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    model.is_loaded_in_4bit = True
    chat = [{"prompt": [{"role": "user", "content": "Summarise: we met at eight."}],
             "completion": [{"role": "assistant", "content": "They met at eight."}]}] * 8
    args = SFTConfig(output_dir=str(tmp_path_factory.mktemp("sft")), max_steps=1,
                     per_device_train_batch_size=2, bf16=False, fp16=False, report_to="none",
                     activation_checkpointing=params["GRADIENT_CHECKPOINTING"], save_strategy="no")
    lora = LoraConfig(r=params["LORA_RANK"], lora_alpha=params["LORA_ALPHA"],
                      target_modules=list(params["LORA_TARGETS"]), task_type="CAUSAL_LM")
    return SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(chat),
                      processing_class=AutoTokenizer.from_pretrained(path), peft_config=lora)


def test_trl_casts_4bit_adapters_to_bfloat16_and_float32_adapters_undoes_it(sft_trainer):
    import torch

    trainable = [p for p in sft_trainer.model.parameters() if p.requires_grad]
    # What trl 1.16 does to the adapters of a 4-bit model: on a T4, emulated bfloat16.
    assert {p.dtype for p in trainable} == {torch.bfloat16}
    assert float32_adapters(sft_trainer.model) == len(trainable)
    assert {p.dtype for p in trainable} == {torch.float32}
    assert float32_adapters(sft_trainer.model) == 0


def test_checkpointing_is_on_only_once_training_starts(sft_trainer):
    """Why the chapter checks LoRA gradients inside the run: before train() the model has no
    activation checkpointing, so a probe there measures a forward pass the run never makes."""
    from transformers import TrainerCallback

    seen = []

    class Watch(TrainerCallback):
        def on_pre_optimizer_step(self, args, state, control, model=None, **kwargs):
            seen.append(model.is_activation_checkpointing)

    assert not sft_trainer.model.is_activation_checkpointing
    sft_trainer.add_callback(Watch())
    sft_trainer.train()
    assert seen == [True]


def test_chapter_casts_adapters_back_between_building_and_training_the_sft_trainer():
    """On a CPU nothing is quantised, so trl casts nothing and the chapter's dtype check cannot
    fail there: this keeps the cast-back in the chapter, after SFTTrainer(...), before train()."""
    nb = nbformat.read(CHAPTER, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    built = code.index("sft_trainer = quiet(SFTTrainer(")
    cast = code.index("float32_adapters(sft_trainer.model)")
    checked = code.index("adapter_dtypes == {torch.float32}")
    assert built < cast < checked < code.index("sft_trainer.train()")


def test_lora_targets_are_every_linear_layer_of_a_llama_block():
    """The chapter names its LoRA targets, so its memory table counts exactly what peft adapts."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(standins.standin_path(LLAMA))
    linear = {name.rsplit(".", 1)[-1] for name, module in model.named_modules()
              if isinstance(module, torch.nn.Linear) and name != "lm_head"}
    assert linear == set(chapter_parameters()["LORA_TARGETS"])


def test_t5_standin_keeps_t5s_special_token_layout():
    # google-t5/t5-small ships no tokenizer_config.json: T5Tokenizer's defaults define these ids,
    # and its generation_config.json names them by id.
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(standins.standin_path("google-t5/t5-small"))
    specials = [tokenizer.pad_token, tokenizer.eos_token, tokenizer.unk_token]
    assert specials == ["<pad>", "</s>", "<unk>"]
    assert [tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id] == [0, 1, 2]
    hub = json.loads((HUB_RECORDS / "google-t5--t5-small" / "generation_config.json").read_text())
    assert (hub["pad_token_id"], hub["eos_token_id"], hub["decoder_start_token_id"]) == (0, 1, 0)


def test_xsum_replica_has_the_parquet_branch_layout(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    xsum = load_hub_dataset("EdinburghNLP/xsum", revision="refs/convert/parquet")
    assert set(xsum) == {"train", "validation", "test"}
    assert xsum["train"].column_names == ["document", "summary", "id"]
    assert load_hub_dataset("EdinburghNLP/xsum", "default", revision="refs/convert/parquet")
    # The script's config name is no folder on the parquet branch.
    with pytest.raises(ValueError, match="'xsum' not found"):
        load_hub_dataset("EdinburghNLP/xsum", "xsum", revision="refs/convert/parquet")
    with pytest.raises(FileNotFoundError):  # the main branch is a loading script: no replica of it
        load_hub_dataset("EdinburghNLP/xsum")


def test_dialogsum_replica_repeats_test_dialogues_with_three_summaries(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    dialogs = load_hub_dataset("knkarthick/dialogsum")
    assert set(dialogs) == {"train", "validation", "test"}
    assert dialogs["train"].column_names == ["id", "dialogue", "summary", "topic"]
    test = dialogs["test"].to_pandas()
    assert (test.groupby("dialogue")["summary"].nunique() == 3).all()
