"""The diffusion stand-ins of chapters 06 and 07 are the hub pipelines in miniature.

Judged against the hub's own files in genai_course/standins/hub/: the pipeline and every part load
as the classes model_index.json names; each part's config keeps every field of the hub's config
except the sizes a stand-in shrinks; the weight files are the ones the hub publishes (float32 files
and an `fp16` variant), in those dtypes, so the chapters' `variant="fp16"` loading line is the same.
"""
import json

import pytest
import torch

from genai_course import standins
from genai_course.budget import HUB_RECORDS

DIFFUSION = ["stabilityai/stable-diffusion-xl-base-1.0",
             "stable-diffusion-v1-5/stable-diffusion-v1-5",
             "ali-vilab/text-to-video-ms-1.7b"]
# What a stand-in shrinks. Every other field of the hub's config must be equal.
SIZES = {"block_out_channels", "layers_per_block", "norm_num_groups", "attention_head_dim",
         "transformer_layers_per_block", "cross_attention_dim", "addition_time_embed_dim",
         "projection_class_embeddings_input_dim", "vocab_size", "hidden_size", "intermediate_size",
         "num_hidden_layers", "num_attention_heads", "projection_dim",
         # a trained-here tokenizer numbers its special tokens its own way
         "bos_token_id", "eos_token_id", "pad_token_id"}
BOOKKEEPING = {"_diffusers_version", "_name_or_path", "transformers_version", "torch_dtype",
               "dtype"}


def folder(hub_id):
    return HUB_RECORDS / hub_id.replace("/", "--")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def part_configs(hub_id):
    records = sorted(folder(hub_id).glob("*/config.json"))
    return [(record.parent.name, load(record)) for record in records]


@pytest.mark.parametrize("hub_id", DIFFUSION)
def test_loads_as_the_hub_pipeline_with_the_chapters_line(hub_id):
    from diffusers import DiffusionPipeline

    index = load(folder(hub_id) / "model_index.json")
    pipe = DiffusionPipeline.from_pretrained(standins.standin_path(hub_id), dtype=torch.float32,
                                             variant="fp16", use_safetensors=True)
    assert type(pipe).__name__ == index["_class_name"]
    for name, (_, class_name) in ((k, v) for k, v in index.items() if isinstance(v, list)):
        assert type(getattr(pipe, name)).__name__ == class_name, name


@pytest.mark.parametrize("hub_id,part,hub",
                         [(h, p, c) for h in DIFFUSION for p, c in part_configs(h)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_part_config_keeps_the_hubs_switches(hub_id, part, hub):
    ours = load(standins.standin_path(hub_id) / part / "config.json")
    for key in sorted(set(hub) - SIZES - BOOKKEEPING):
        assert json.dumps(ours.get(key)) == json.dumps(hub[key]), f"{part}: {key}"
    if "torch_dtype" in hub:
        assert ours.get("dtype") == hub["torch_dtype"], f"{part}: config dtype"


@pytest.mark.parametrize("hub_id", DIFFUSION)
def test_weight_files_and_dtypes_as_published(hub_id):
    from safetensors import safe_open

    names = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}
    for part, files in load(folder(hub_id) / "weights.json").items():
        for filename, dtype in files.items():
            path = standins.standin_path(hub_id) / part / filename
            assert path.is_file(), f"{part}/{filename} is missing"
            with safe_open(str(path), "pt") as f:
                stored = {names.get(f.get_slice(k).get_dtype(), "other") for k in f.keys()}
            assert stored == {dtype}, f"{part}/{filename} holds {stored}, the hub's holds {dtype}"


def test_the_switch_check_bites():
    # A stand-in that dropped SDXL's size conditioning would differ from the hub's config here.
    hub = dict(part_configs(DIFFUSION[0]))["unet"]
    assert hub["addition_embed_type"] == "text_time"
    assert "addition_embed_type" not in SIZES | BOOKKEEPING
