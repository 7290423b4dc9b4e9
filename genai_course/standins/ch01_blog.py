"""Stand-in for fastai's WikiText-103 AWD-LSTM (ch. 01): a small one pretrained on shipped text.

`language_model_learner(dls, AWD_LSTM, pretrained=True)` calls `untar_data(URLs.WT103_FWD,
c_key="model")`, which downloads the archive from fast.ai and extracts it to
`<FASTAI_HOME>/models/wt103-fwd/`, then loads the one `*.pth` there (a state dict, matched to the
model by position) and the one `*.pkl` (the vocabulary, a list of tokens). The stand-in is that
folder: the same two files, made with fastai's own tokenizer and model, plus a `config.json` with
the AWD-LSTM sizes, which fastai keeps for the real weights in `awd_lstm_lm_config`.
"""
from __future__ import annotations

import json

from ..paths import data_path
from . import standin
from .common import shipped_text

ARCHIVE = "wt103-fwd"  # the folder untar_data extracts URLs.WT103_FWD into
WEIGHTS, VOCAB = "lstm_fwd.pth", "itos_wt103.pkl"  # the file names in fast.ai's archive
SIZES = {"emb_sz": 64, "n_hid": 128, "n_layers": 2}  # the real ones: 400, 1152, 3
PRETRAIN_STEPS, BATCH, LENGTH = 150, 16, 48


def pretraining_text() -> list[str]:
    """General English shipped with the course, not the blog: the stand-in's WikiText."""
    notes = data_path("walden", "pond_notes.txt").read_text(encoding="utf-8")
    return list(shipped_text()) + notes.split("\n\n")


def _pretrain(model, ids, steps: int = PRETRAIN_STEPS, lr: float = 3e-3) -> None:
    """Next-token training on random windows of one token stream, as fastai's LM loader serves."""
    import torch
    import torch.nn.functional as F

    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        starts = torch.randint(0, len(ids) - LENGTH - 1, (BATCH,))
        window = torch.stack([ids[s:s + LENGTH + 1] for s in starts])
        model.reset()
        logits = model(window[:, :-1])[0]
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), window[:, 1:].reshape(-1))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()


@standin("fastai/wt103-fwd")
def build_awd_lstm(out_dir):
    import torch
    from fastai.text.all import (
        AWD_LSTM,
        Numericalize,
        Tokenizer,
        WordTokenizer,
        awd_lstm_lm_config,
        get_language_model,
        save_pickle,
    )

    tokenizer = Tokenizer(WordTokenizer())
    documents = [tokenizer(text) for text in pretraining_text()]
    numericalize = Numericalize(min_freq=1)
    numericalize.setup(documents)
    vocab = list(numericalize.vocab)  # fastai's special tokens first, padded to a multiple of 8
    ids = torch.cat([numericalize(doc) for doc in documents])
    config = {**awd_lstm_lm_config, **SIZES}
    model = get_language_model(AWD_LSTM, len(vocab), config=config)
    _pretrain(model, ids)
    folder = out_dir / ARCHIVE
    folder.mkdir()
    torch.save(model.state_dict(), folder / WEIGHTS)
    save_pickle(folder / VOCAB, vocab)
    record = {"arch": "AWD_LSTM", "config": config, "vocab_size": len(vocab), "archive": ARCHIVE}
    (out_dir / "config.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
