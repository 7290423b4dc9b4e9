"""Unit tests for genai_course.llm (ch. 10, 11) on the chapter 10 stand-in."""
import pytest
import torch

from genai_course.llm import chat_reply, check_messages, count_parameters, describe_settings


@pytest.fixture(scope="module")
def chat_model():
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from genai_course.standins import standin_path

    path = standin_path("Qwen/Qwen2.5-1.5B-Instruct")
    return AutoModelForCausalLM.from_pretrained(path), AutoTokenizer.from_pretrained(path)


@pytest.mark.parametrize(
    "messages",
    [[], "hi", [{"role": "user"}], [{"role": "robot", "content": "x"}], [{"role": "user", "content": 3}],
     [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]],
)
def test_check_messages_rejects_bad_input(messages):
    with pytest.raises(ValueError):
        check_messages(messages)


def test_chat_reply_is_seeded_and_non_empty(chat_model):
    model, tokenizer = chat_model
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Tell me a story."}]
    settings = dict(do_sample=True, temperature=1.0, max_new_tokens=8)
    first = chat_reply(model, tokenizer, messages, seed=3, **settings)
    assert first == chat_reply(model, tokenizer, messages, seed=3, **settings)
    assert first.strip()


def test_chat_template_matches_chatml(chat_model):
    _, tokenizer = chat_model
    text = tokenizer.apply_chat_template([{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True)
    assert text == (
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
    )


def test_describe_settings():
    assert describe_settings({"do_sample": False, "max_new_tokens": 5}) == "do_sample=False, max_new_tokens=5"


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
