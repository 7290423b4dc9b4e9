"""Unit tests for genai_course.llm (ch. 10, 11) on the chapter 10 stand-in.

The stand-in carries Qwen2.5-Instruct's own generation_config.json (sampling on, top_k 20,
repetition_penalty 1.1), so these tests see `generate()` merge a checkpoint's defaults in.
"""
import copy

import pytest
import torch

from genai_course.llm import (
    OFF_IN_EVERY_MODE,
    OFF_WHEN_SAMPLING,
    chat_reply,
    check_messages,
    count_parameters,
    describe_settings,
    settings_that_run,
    stated_settings,
)

MESSAGES = [{"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Tell me a story."}]


@pytest.fixture(scope="module")
def chat_model():
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from genai_course.standins import standin_path

    path = standin_path("Qwen/Qwen2.5-1.5B-Instruct")
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    return model, AutoTokenizer.from_pretrained(path)


@pytest.mark.parametrize(
    "messages",
    [[], "hi", [{"role": "user"}], [{"role": "robot", "content": "x"}],
     [{"role": "user", "content": 3}],
     [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]],
)
def test_check_messages_rejects_bad_input(messages):
    with pytest.raises(ValueError):
        check_messages(messages)


def test_chat_reply_is_seeded_and_non_empty(chat_model):
    model, tokenizer = chat_model
    settings = dict(do_sample=True, temperature=1.0, max_new_tokens=8)
    first = chat_reply(model, tokenizer, MESSAGES, seed=3, **settings)
    assert first == chat_reply(model, tokenizer, MESSAGES, seed=3, **settings)
    assert first.strip()


def argmax_reply(model, tokenizer, messages, new_tokens: int) -> str:
    """Greedy decoding written out: the most likely token, every step, nothing else."""
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                        return_dict=True)["input_ids"]
    prompt = ids.shape[1]
    stops = set(model.generation_config.eos_token_id)
    with torch.no_grad():
        for _ in range(new_tokens):
            token = model(ids).logits[0, -1].argmax()
            ids = torch.cat([ids, token.view(1, 1)], dim=1)
            if int(token) in stops:
                break
    return tokenizer.decode(ids[0, prompt:], skip_special_tokens=True).strip()


def test_greedy_reply_is_argmax_decoding(chat_model):
    # Qwen's generation_config.json carries repetition_penalty=1.1; a "greedy" call that inherits it
    # is not greedy.
    model, tokenizer = chat_model
    reply = chat_reply(model, tokenizer, MESSAGES, do_sample=False, max_new_tokens=32)
    assert reply == argmax_reply(model, tokenizer, MESSAGES, 32)


def test_settings_that_run_read_back_the_merge(chat_model):
    model, _ = chat_model
    # Named alone, do_sample=False leaves the checkpoint's repetition penalty on.
    assert settings_that_run(model, {"do_sample": False, "max_new_tokens": 8}) == {
        "do_sample": False, "repetition_penalty": 1.1, "max_new_tokens": 8}
    assert settings_that_run(model, stated_settings({"do_sample": False, "max_new_tokens": 8})) == {
        "do_sample": False, "max_new_tokens": 8}
    # A sampled call without top_k would get the checkpoint's 20; stated, nothing is inherited.
    sampled = {"do_sample": True, "temperature": 0.7, "top_p": 0.9, "max_new_tokens": 8, "seed": 1}
    assert settings_that_run(model, sampled)["top_k"] == 20
    assert settings_that_run(model, stated_settings(sampled)) == sampled


def test_stated_settings_override_every_checkpoint_default(chat_model):
    # A checkpoint that sets every decoding field: none of them may leak into a stated call.
    model, _ = chat_model
    model = copy.copy(model)
    model.generation_config = copy.deepcopy(model.generation_config)
    model.generation_config.update(num_beams=3, no_repeat_ngram_size=2, repetition_penalty=1.3,
                                   temperature=0.5, top_k=7, top_p=0.5, min_p=0.2, typical_p=0.9)
    for do_sample in (False, True):
        settings = stated_settings({"do_sample": do_sample, "max_new_tokens": 4})
        assert settings_that_run(model, settings) == {"do_sample": do_sample, "max_new_tokens": 4}
    every_field = set(OFF_IN_EVERY_MODE) | set(OFF_WHEN_SAMPLING)
    assert set(stated_settings({"do_sample": True})) == every_field


def test_chat_template_is_qwens(chat_model):
    _, tokenizer = chat_model
    text = tokenizer.apply_chat_template([{"role": "user", "content": "Hi"}], tokenize=False,
                                         add_generation_prompt=True)
    assert text == (
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. "
        "You are a helpful assistant.<|im_end|>\n"
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    )


def test_describe_settings():
    line = describe_settings({"do_sample": False, "max_new_tokens": 5})
    assert line == "do_sample=False, max_new_tokens=5"


def test_count_parameters_counts_trainable_subset():
    layer = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    layer[0].requires_grad_(False)
    assert count_parameters(layer) == (10, 26)


def test_bleu_score():
    from genai_course.metrics import bleu_score

    sentence = "the trial found fewer readmissions after telephone follow-up"
    assert bleu_score([sentence], [sentence]) == 100.0
    assert bleu_score(["completely different words here"], [sentence]) < 10
    with pytest.raises(ValueError):
        bleu_score(["a"], [])
