"""The CLIP stand-in of chapter 04 loads with the hub model's classes and keeps CLIP's text conventions."""
import pytest

pytest.importorskip("transformers")


def test_clip_standin_matches_the_hub_interface(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")
    import torch
    from PIL import Image
    from transformers import CLIPModel, CLIPProcessor

    from genai_course import checkpoint

    folder = checkpoint("openai/clip-vit-base-patch32")
    model, processor = CLIPModel.from_pretrained(folder), CLIPProcessor.from_pretrained(folder)
    assert processor.tokenizer.model_max_length == 77
    assert processor.tokenizer.tokenize("a photo of a cat")[-1].endswith("</w>")
    image = Image.new("RGB", (64, 48), "white")
    inputs = processor(text=["a cat", "a photo of a dog"], images=image, return_tensors="pt", padding=True)
    assert inputs["pixel_values"].shape[-2:] == (model.config.vision_config.image_size,) * 2
    with torch.no_grad():
        probs = model(**inputs).logits_per_image.softmax(-1)
    assert probs.shape == (1, 2) and torch.allclose(probs.sum(), torch.tensor(1.0))
