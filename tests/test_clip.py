"""The CLIP stand-in of chapter 04 loads like the hub model: classes, preprocessing, pooling."""
import json

import pytest

pytest.importorskip("transformers")

HUB_ID = "openai/clip-vit-base-patch32"


@pytest.fixture
def folder(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    from genai_course import checkpoint

    return checkpoint(HUB_ID)


def test_clip_standin_matches_the_hub_interface(folder):
    import torch
    from PIL import Image
    from transformers import CLIPModel, CLIPProcessor

    model, processor = CLIPModel.from_pretrained(folder), CLIPProcessor.from_pretrained(folder)
    assert model.dtype == torch.float32
    assert processor.tokenizer.model_max_length == 77
    assert processor.tokenizer.tokenize("a photo of a cat")[-1].endswith("</w>")
    image = Image.new("RGB", (64, 48), "white")
    inputs = processor(text=["a cat", "a photo of a dog"], images=image, return_tensors="pt",
                       padding=True)
    assert inputs["pixel_values"].shape[-2:] == (224, 224)  # the hub's crop, not a shrunken one
    with torch.no_grad():
        probs = model(**inputs).logits_per_image.softmax(-1)
    assert probs.shape == (1, 2) and torch.allclose(probs.sum(), torch.tensor(1.0))


def test_preprocessing_is_the_hubs(folder):
    from pathlib import Path

    from genai_course.budget import hub_record

    ours = json.loads((Path(folder) / "preprocessor_config.json").read_text(encoding="utf-8"))
    assert ours == hub_record(HUB_ID, "preprocessor_config.json")
    assert not (Path(folder) / "processor_config.json").exists()


def test_text_features_are_read_at_end_of_text(folder):
    # The hub config keeps the legacy eos_token_id 2, so CLIP pools at the highest token id:
    # <|endoftext|> must be the highest id, as in CLIP's own vocabulary.
    import torch
    from transformers import CLIPModel, CLIPTokenizer

    model, tokenizer = CLIPModel.from_pretrained(folder), CLIPTokenizer.from_pretrained(folder)
    assert model.config.text_config.eos_token_id == 2
    assert tokenizer.eos_token_id == max(tokenizer.get_vocab().values())
    batch = tokenizer(["a cat", "a photo of a dog"], padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model.text_model(**batch)
    ends = batch["attention_mask"].sum(dim=1) - 1
    expected = out.last_hidden_state[torch.arange(2), ends]
    assert torch.allclose(out.pooler_output, expected)
