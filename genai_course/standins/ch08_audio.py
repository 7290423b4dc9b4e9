"""Tiny stand-ins for the audio checkpoints of chapter 08: CLAP, Whisper, wav2vec2 (CTC), SpeechT5 and its vocoder.

Each one is a randomly initialised model of the hub model's own class, with a tokenizer or processor
trained on the shipped English corpus plus the transcripts under data/speech/, so the chapter's
loading, padding, generation and training code runs unchanged offline.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from ..paths import data_path
from . import standin
from .common import shipped_text, train_byte_bpe


def _speech_transcripts() -> list[str]:
    """Every transcript shipped under data/speech/ (English and Welsh)."""
    texts = []
    for metadata in sorted(data_path("speech").rglob("metadata.csv")):
        with open(metadata, encoding="utf-8") as handle:
            texts += [row["transcription"] for row in csv.DictReader(handle) if "transcription" in row]
    return texts


def _training_text() -> list[str]:
    return list(shipped_text()[:2000]) + _speech_transcripts() * 5


@standin("laion/clap-htsat-unfused")
def build_clap(out_dir: Path) -> None:
    from transformers import ClapConfig, ClapFeatureExtractor, ClapModel, ClapProcessor, RobertaTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    raw = train_byte_bpe(_training_text(), vocab_size=400, special_tokens=specials)
    raw_dir = out_dir / "raw_tokenizer"
    raw_dir.mkdir()
    raw.model.save(str(raw_dir))
    tokenizer = RobertaTokenizerFast(vocab_file=str(raw_dir / "vocab.json"), merges_file=str(raw_dir / "merges.txt"))
    # The hub checkpoint uses random truncation / repeat padding of 10 s windows at 48 kHz, without fusion.
    features = ClapFeatureExtractor(truncation="rand_trunc", padding="repeatpad")
    ClapProcessor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(out_dir)
    config = ClapConfig(
        text_config=dict(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=130, pad_token_id=tokenizer.pad_token_id,
                         projection_dim=32),
        audio_config=dict(depths=[1, 1], num_attention_heads=[1, 2], patch_embeds_hidden_size=16, hidden_size=32,
                          window_size=8, projection_dim=32, enable_fusion=False),
        projection_dim=32,
    )
    ClapModel(config).save_pretrained(out_dir)
    import shutil

    shutil.rmtree(raw_dir)


def _whisper_specials() -> list[str]:
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    languages = [f"<|{code}|>" for code in LANGUAGES]
    return ["<|startoftranscript|>", *languages, "<|translate|>", "<|transcribe|>", "<|startoflm|>",
            "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"]


@standin("openai/whisper-small")
def build_whisper(out_dir: Path) -> None:
    from transformers import (GenerationConfig, WhisperConfig, WhisperFeatureExtractor,
                              WhisperForConditionalGeneration, WhisperProcessor, WhisperTokenizer)
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    raw = train_byte_bpe(_training_text(), vocab_size=500, special_tokens=[])
    vocab = raw.get_vocab()
    merges = [tuple(pair) for pair in json.loads(raw.to_str())["model"]["merges"]]
    # Like the hub tokenizer: text tokens first, then <|endoftext|>, then the task and language tokens, in
    # Whisper's order (the tokenizer finds a language's id as startoftranscript + 1 + its index).
    tokenizer = WhisperTokenizer(vocab=vocab, merges=merges)
    tokenizer.add_special_tokens({"additional_special_tokens": _whisper_specials()})
    tokenizer.pad_token = tokenizer.eos_token
    # 3-second windows instead of the hub's 30 s: the encoder cost shrinks tenfold and every shipped clip still fits.
    features = WhisperFeatureExtractor(feature_size=80, chunk_length=3)
    processor = WhisperProcessor(feature_extractor=features, tokenizer=tokenizer)
    processor.save_pretrained(out_dir)

    ids = tokenizer.convert_tokens_to_ids
    eot, sot = ids("<|endoftext|>"), ids("<|startoftranscript|>")
    config = WhisperConfig(
        vocab_size=len(tokenizer), num_mel_bins=80, d_model=64, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=128, decoder_ffn_dim=128,
        max_source_positions=150, max_target_positions=448, pad_token_id=eot, bos_token_id=eot,
        eos_token_id=eot, decoder_start_token_id=sot,
    )
    model = WhisperForConditionalGeneration(config)
    # What WhisperForConditionalGeneration.generate reads to build the <|sot|><|lang|><|task|><|notimestamps|> prompt.
    model.generation_config = GenerationConfig(
        decoder_start_token_id=sot, bos_token_id=eot, eos_token_id=eot, pad_token_id=eot,
        max_length=448, begin_suppress_tokens=[ids("Ġ"), eot], suppress_tokens=[],
        is_multilingual=True, lang_to_id={f"<|{code}|>": ids(f"<|{code}|>") for code in LANGUAGES},
        task_to_id={"transcribe": ids("<|transcribe|>"), "translate": ids("<|translate|>")},
        no_timestamps_token_id=ids("<|notimestamps|>"), prev_sot_token_id=ids("<|startofprev|>"),
        alignment_heads=[[1, 0], [1, 1]],
    )
    model.save_pretrained(out_dir)


@standin("facebook/wav2vec2-base-960h")
def build_wav2vec2_ctc(out_dir: Path) -> None:
    from transformers import (Wav2Vec2Config, Wav2Vec2CTCTokenizer, Wav2Vec2FeatureExtractor, Wav2Vec2ForCTC,
                              Wav2Vec2Processor)

    # The hub vocabulary: four specials (the pad token doubles as the CTC blank), "|" between words,
    # then upper-case letters and the apostrophe.
    letters = list("|ETAONIHSRDLUMWCFGYPBVK'XJQZ")
    vocab = {token: i for i, token in enumerate(["<pad>", "<s>", "</s>", "<unk>", *letters])}
    vocab_file = out_dir / "vocab_source.json"
    vocab_file.write_text(json.dumps(vocab), encoding="utf-8")
    tokenizer = Wav2Vec2CTCTokenizer(str(vocab_file), word_delimiter_token="|")
    features = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, do_normalize=True,
                                        return_attention_mask=False)
    Wav2Vec2Processor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(out_dir)
    vocab_file.unlink()
    config = Wav2Vec2Config(
        vocab_size=len(vocab), hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128,
        conv_dim=(32,) * 7, num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4,
        pad_token_id=0, ctc_loss_reduction="sum", do_stable_layer_norm=False, feat_extract_norm="group",
    )
    Wav2Vec2ForCTC(config).save_pretrained(out_dir)


def _train_char_sentencepiece(out_dir: Path) -> Path:
    """A character-level SentencePiece model on English only, like the hub's spm_char.model."""
    import sentencepiece as spm

    corpus = out_dir / "spm_corpus.txt"
    corpus.write_text("\n".join(shipped_text()[:3000]), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(out_dir / "spm_char"), model_type="char", character_coverage=1.0,
        bos_id=0, pad_id=1, eos_id=2, unk_id=3, minloglevel=2,
    )
    corpus.unlink()
    (out_dir / "spm_char.vocab").unlink()
    return out_dir / "spm_char.model"


@standin("microsoft/speecht5_tts")
def build_speecht5_tts(out_dir: Path) -> None:
    import torch
    from transformers import (SpeechT5Config, SpeechT5FeatureExtractor, SpeechT5ForTextToSpeech,
                              SpeechT5Processor, SpeechT5Tokenizer)

    spm_dir = out_dir / "spm"
    spm_dir.mkdir()
    tokenizer = SpeechT5Tokenizer(vocab_file=str(_train_char_sentencepiece(spm_dir)))
    processor = SpeechT5Processor(feature_extractor=SpeechT5FeatureExtractor(), tokenizer=tokenizer)
    processor.save_pretrained(out_dir)
    import shutil

    shutil.rmtree(spm_dir)
    config = SpeechT5Config(
        vocab_size=len(tokenizer), hidden_size=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=128, decoder_ffn_dim=128, speech_decoder_prenet_units=64,
        speech_decoder_postnet_units=64, speech_decoder_postnet_layers=2, speaker_embedding_dim=512,
        reduction_factor=2, max_speech_positions=600, max_text_positions=200, encoder_max_relative_position=40,
        guided_attention_loss_num_heads=1,
        # With only two layers, layer drop could skip them all and leave the guided-attention loss nothing to read.
        encoder_layerdrop=0.0, decoder_layerdrop=0.0,
    )
    model = SpeechT5ForTextToSpeech(config)
    # An untrained stop head says "stop" at once (two sigmoids near 0.5 summed pass 0.5), so the stand-in
    # would speak for 16 ms; start it biased towards "go on", as a trained model is mid-sentence.
    with torch.no_grad():
        model.speech_decoder_postnet.prob_out.bias.fill_(-4.0)
    model.save_pretrained(out_dir)


@standin("microsoft/speecht5_hifigan")
def build_speecht5_hifigan(out_dir: Path) -> None:
    from transformers import SpeechT5HifiGan, SpeechT5HifiGanConfig

    # Upsampling by 8 * 8 * 4 = 256 samples a frame: the hub vocoder's 16 ms hop at 16 kHz.
    config = SpeechT5HifiGanConfig(upsample_initial_channel=32, upsample_rates=[8, 8, 4],
                                   upsample_kernel_sizes=[16, 16, 8], resblock_kernel_sizes=[3],
                                   resblock_dilation_sizes=[[1, 3]])
    SpeechT5HifiGan(config).save_pretrained(out_dir)
