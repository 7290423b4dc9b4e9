"""Tiny stand-ins for the audio checkpoints of chapter 08: CLAP, Whisper, wav2vec2 (CTC), SpeechT5
and its vocoder, and speechbrain's x-vector speaker encoder.

Each one is a randomly initialised model of the hub model's own class, with a tokenizer or processor
trained on the shipped English corpus plus the transcripts under data/speech/, so the chapter's
loading, padding, generation and training code runs unchanged offline. Where the chapter relies on
the hub files themselves (Whisper's token ids and generation settings, the x-vector recipe), the
stand-in is built from the copies in `hub/`.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from ..budget import HUB_RECORDS, hub_record
from ..paths import data_path
from . import standin
from .common import shipped_text, train_byte_bpe, write_hub_files


def _speech_transcripts() -> list[str]:
    """Every transcript shipped under data/speech/ (English and Welsh)."""
    texts = []
    for metadata in sorted(data_path("speech").rglob("metadata.csv")):
        with open(metadata, encoding="utf-8") as handle:
            texts += [
                row["transcription"] for row in csv.DictReader(handle) if "transcription" in row
            ]
    return texts


def _training_text() -> list[str]:
    return list(shipped_text()[:2000]) + _speech_transcripts() * 5


@standin("laion/clap-htsat-unfused")
def build_clap(out_dir: Path) -> None:
    from transformers import (
        ClapConfig,
        ClapFeatureExtractor,
        ClapModel,
        ClapProcessor,
        RobertaTokenizerFast,
    )

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    raw = train_byte_bpe(_training_text(), vocab_size=400, special_tokens=specials)
    raw_dir = out_dir / "raw_tokenizer"
    raw_dir.mkdir()
    raw.model.save(str(raw_dir))
    tokenizer = RobertaTokenizerFast(
        vocab_file=str(raw_dir / "vocab.json"), merges_file=str(raw_dir / "merges.txt")
    )
    # The hub checkpoint: random truncation / repeat padding of 10 s windows at 48 kHz, no fusion.
    features = ClapFeatureExtractor(truncation="rand_trunc", padding="repeatpad")
    ClapProcessor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(out_dir)
    config = ClapConfig(
        text_config=dict(
            vocab_size=len(tokenizer),
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=130,
            pad_token_id=tokenizer.pad_token_id,
            projection_dim=32,
        ),
        audio_config=dict(
            depths=[1, 1],
            num_attention_heads=[1, 2],
            patch_embeds_hidden_size=16,
            hidden_size=32,
            window_size=8,
            projection_dim=32,
            enable_fusion=False,
        ),
        projection_dim=32,
    )
    ClapModel(config).save_pretrained(out_dir)
    shutil.rmtree(raw_dir)


WHISPER = "openai/whisper-small"
WHISPER_TEXT_TOKENS = 50257  # ids 0..50256 are byte-level BPE tokens; <|endoftext|> is 50257
WHISPER_TIMESTAMPS = 1501  # <|0.00|> ... <|30.00|>, after <|notimestamps|>


def _whisper_vocab() -> tuple[dict[str, int], list[tuple[str, str]]]:
    """A byte-level BPE laid out like Whisper's, so every special token gets the hub's id.

    The 256 bytes come first in GPT-2's order (ids 0..255, such as 220 = "Ġ", mean what they mean on
    the hub), then merges learnt from shipped text, then unused fillers up to id 50256.
    """
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    raw = train_byte_bpe(_training_text(), vocab_size=600, special_tokens=[])
    merges = [tuple(pair) for pair in json.loads(raw.to_str())["model"]["merges"]]
    vocab = {char: i for i, char in enumerate(bytes_to_unicode().values())}
    for left, right in merges:
        vocab.setdefault(left + right, len(vocab))
    vocab.update({f"<unused{i}>": i for i in range(len(vocab), WHISPER_TEXT_TOKENS)})
    return vocab, merges


@standin(WHISPER)
def build_whisper(out_dir: Path) -> None:
    from transformers import (
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizer,
    )

    hub_tokens = hub_record(WHISPER, "tokenizer_config.json")["added_tokens_decoder"]
    vocab, merges = _whisper_vocab()
    tokenizer = WhisperTokenizer(vocab=vocab, merges=merges)
    specials = [entry["content"] for entry in hub_tokens.values() if entry["special"]]
    timestamps = [entry["content"] for entry in hub_tokens.values() if not entry["special"]]
    tokenizer.add_special_tokens({"additional_special_tokens": specials[1:]})  # after <|endoftext|>
    tokenizer.add_tokens(timestamps)
    tokenizer.pad_token = tokenizer.eos_token
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in specials + timestamps}
    wrong = {token for token, i in ids.items() if hub_tokens[str(i)]["content"] != token}
    if wrong:
        raise RuntimeError(f"stand-in Whisper tokens off the hub's ids: {sorted(wrong)[:5]}")
    # 3-second windows instead of the hub's 30 s: the encoder cost shrinks tenfold and every shipped
    # clip still fits.
    features = WhisperFeatureExtractor(feature_size=80, chunk_length=3)
    WhisperProcessor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(out_dir)

    hub = hub_record(WHISPER)
    keep = {
        key: hub[key]
        for key in (
            "vocab_size",
            "num_mel_bins",
            "max_target_positions",
            "pad_token_id",
            "bos_token_id",
            "eos_token_id",
            "decoder_start_token_id",
            "begin_suppress_tokens",
            "suppress_tokens",
        )
    }
    config = WhisperConfig(
        d_model=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        max_source_positions=150,
        **keep,
    )
    WhisperForConditionalGeneration(config).save_pretrained(out_dir)
    # The hub's own generation settings (prompt tokens, suppressed tokens, language and task ids):
    # the token ids above match the hub's, so the file applies as published.
    write_hub_files(out_dir, WHISPER, "generation_config.json")


@standin("facebook/wav2vec2-base-960h")
def build_wav2vec2_ctc(out_dir: Path) -> None:
    from transformers import (
        Wav2Vec2Config,
        Wav2Vec2CTCTokenizer,
        Wav2Vec2FeatureExtractor,
        Wav2Vec2ForCTC,
        Wav2Vec2Processor,
    )

    # The hub vocabulary: four specials (the pad token doubles as the CTC blank), "|" between words,
    # then upper-case letters and the apostrophe.
    letters = list("|ETAONIHSRDLUMWCFGYPBVK'XJQZ")
    vocab = {token: i for i, token in enumerate(["<pad>", "<s>", "</s>", "<unk>", *letters])}
    vocab_file = out_dir / "vocab_source.json"
    vocab_file.write_text(json.dumps(vocab), encoding="utf-8")
    tokenizer = Wav2Vec2CTCTokenizer(str(vocab_file), word_delimiter_token="|")
    features = Wav2Vec2FeatureExtractor(
        feature_size=1, sampling_rate=16000, do_normalize=True, return_attention_mask=False
    )
    Wav2Vec2Processor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(out_dir)
    vocab_file.unlink()
    config = Wav2Vec2Config(
        vocab_size=len(vocab),
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=128,
        conv_dim=(32,) * 7,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=4,
        pad_token_id=0,
        ctc_loss_reduction="sum",
        do_stable_layer_norm=False,
        feat_extract_norm="group",
    )
    Wav2Vec2ForCTC(config).save_pretrained(out_dir)


def _train_char_sentencepiece(out_dir: Path) -> Path:
    """A character-level SentencePiece model on English only, like the hub's spm_char.model."""
    import sentencepiece as spm

    corpus = out_dir / "spm_corpus.txt"
    corpus.write_text("\n".join(shipped_text()[:3000]), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(out_dir / "spm_char"),
        model_type="char",
        character_coverage=1.0,
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
        minloglevel=2,
    )
    corpus.unlink()
    (out_dir / "spm_char.vocab").unlink()
    return out_dir / "spm_char.model"


@standin("microsoft/speecht5_tts")
def build_speecht5_tts(out_dir: Path) -> None:
    import torch
    from transformers import (
        SpeechT5Config,
        SpeechT5FeatureExtractor,
        SpeechT5ForTextToSpeech,
        SpeechT5Processor,
        SpeechT5Tokenizer,
    )

    spm_dir = out_dir / "spm"
    spm_dir.mkdir()
    tokenizer = SpeechT5Tokenizer(vocab_file=str(_train_char_sentencepiece(spm_dir)))
    processor = SpeechT5Processor(feature_extractor=SpeechT5FeatureExtractor(), tokenizer=tokenizer)
    processor.save_pretrained(out_dir)
    shutil.rmtree(spm_dir)
    config = SpeechT5Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        speech_decoder_prenet_units=64,
        speech_decoder_postnet_units=64,
        speech_decoder_postnet_layers=2,
        speaker_embedding_dim=512,
        reduction_factor=2,
        max_speech_positions=600,
        max_text_positions=200,
        encoder_max_relative_position=40,
        guided_attention_loss_num_heads=1,
        # With only two layers, layer drop could skip them all and leave the guided-attention loss
        # nothing to read.
        encoder_layerdrop=0.0,
        decoder_layerdrop=0.0,
    )
    model = SpeechT5ForTextToSpeech(config)
    # An untrained stop head says "stop" at once (two sigmoids near 0.5 summed pass 0.5), so the
    # stand-in would speak for 16 ms; bias it towards "go on", as a trained model is mid-sentence.
    with torch.no_grad():
        model.speech_decoder_postnet.prob_out.bias.fill_(-4.0)
    model.save_pretrained(out_dir)


@standin("microsoft/speecht5_hifigan")
def build_speecht5_hifigan(out_dir: Path) -> None:
    from transformers import SpeechT5HifiGan, SpeechT5HifiGanConfig

    # Upsampling by 8 * 8 * 4 = 256 samples a frame: the hub vocoder's 16 ms hop at 16 kHz.
    config = SpeechT5HifiGanConfig(
        upsample_initial_channel=32,
        upsample_rates=[8, 8, 4],
        upsample_kernel_sizes=[16, 16, 8],
        resblock_kernel_sizes=[3],
        resblock_dilation_sizes=[[1, 3]],
    )
    SpeechT5HifiGan(config).save_pretrained(out_dir)
    # The hub's config.json names the model type "hifigan", as transformers did when it was saved;
    # keep that, so the stand-in goes through the same loading path.
    saved = json.loads((out_dir / "config.json").read_text(encoding="utf-8"))
    saved["model_type"] = hub_record("microsoft/speecht5_hifigan")["model_type"]
    (out_dir / "config.json").write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")


XVECTOR = "speechbrain/spkrec-xvect-voxceleb"
# What the stand-in shrinks in the hub's recipe; everything else (features, 512-number x-vector,
# the pretrainer's files) is the hub's.
XVECTOR_SHRUNK = {
    "tdnn_channels: [512, 512, 512, 512, 1500]": "tdnn_channels: [32, 32, 32, 32, 64]",
    "out_n_neurons: 7205": "out_n_neurons: 4",
}


@standin(XVECTOR)
def build_xvector(out_dir: Path) -> None:
    import torch
    from hyperpyyaml import load_hyperpyyaml

    recipe = (HUB_RECORDS / XVECTOR.replace("/", "--") / "hyperparams.yaml").read_text(
        encoding="utf-8"
    )
    for hub_line, ours in XVECTOR_SHRUNK.items():
        if hub_line not in recipe:
            raise RuntimeError(f"the hub's x-vector recipe no longer has {hub_line!r}")
        recipe = recipe.replace(hub_line, ours)
    (out_dir / "hyperparams.yaml").write_text(recipe, encoding="utf-8")
    hparams = load_hyperpyyaml(recipe)
    # What speechbrain's pretrainer loads: each module's state, and the speaker label list.
    for name in ("embedding_model", "classifier"):
        torch.save(hparams[name].state_dict(), out_dir / f"{name}.ckpt")
    norm = hparams["mean_var_norm_emb"]
    norm(
        torch.randn(8, 1, 512), torch.ones(8)
    )  # one update, so the saved statistics are real numbers
    norm._save(out_dir / "mean_var_norm_emb.ckpt")
    encoder = hparams["label_encoder"]
    encoder.update_from_iterable(["alaw", "bryn", "ceri", "dana"])
    encoder.save(out_dir / "label_encoder.txt")
