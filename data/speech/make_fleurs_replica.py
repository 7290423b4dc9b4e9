"""Remake data/hub/google--fleurs@refs-convert-parquet/ (ch. 08) from the shipped espeak-ng clips.

The hub's parquet branch of FLEURS has one `default` config and one folder per language:
`cy_gb/{train,validation,test}/NNNN.parquet`, with the columns and features of the dataset's
loading script. This replica keeps that layout with two language folders, Welsh (`cy_gb`) and
English (`en_us`), so a call that forgets `data_dir=` mixes the two as it would on the hub.
See the replica's REPLICA.md for the evidence.
"""

import csv
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import soundfile as sf

SPEECH = Path(__file__).resolve().parent
REPLICA = SPEECH.parent / "hub" / "google--fleurs@refs-convert-parquet"

# fleurs.py: `lang_id` is a ClassLabel over its sorted language codes plus "all" (its configs);
# `lang_group_id` over its seven language groups, Welsh and English both "western_european_we".
FLEURS_LANGUAGES = sorted(
    [
        "af_za",
        "am_et",
        "ar_eg",
        "as_in",
        "ast_es",
        "az_az",
        "be_by",
        "bn_in",
        "bs_ba",
        "ca_es",
        "ceb_ph",
        "cmn_hans_cn",
        "yue_hant_hk",
        "cs_cz",
        "cy_gb",
        "da_dk",
        "de_de",
        "el_gr",
        "en_us",
        "es_419",
        "et_ee",
        "fa_ir",
        "ff_sn",
        "fi_fi",
        "fil_ph",
        "fr_fr",
        "ga_ie",
        "gl_es",
        "gu_in",
        "ha_ng",
        "he_il",
        "hi_in",
        "hr_hr",
        "hu_hu",
        "hy_am",
        "id_id",
        "ig_ng",
        "is_is",
        "it_it",
        "ja_jp",
        "jv_id",
        "ka_ge",
        "kam_ke",
        "kea_cv",
        "kk_kz",
        "km_kh",
        "kn_in",
        "ko_kr",
        "ckb_iq",
        "ky_kg",
        "lb_lu",
        "lg_ug",
        "ln_cd",
        "lo_la",
        "lt_lt",
        "luo_ke",
        "lv_lv",
        "mi_nz",
        "mk_mk",
        "ml_in",
        "mn_mn",
        "mr_in",
        "ms_my",
        "mt_mt",
        "my_mm",
        "nb_no",
        "ne_np",
        "nl_nl",
        "nso_za",
        "ny_mw",
        "oc_fr",
        "om_et",
        "or_in",
        "pa_in",
        "pl_pl",
        "ps_af",
        "pt_br",
        "ro_ro",
        "ru_ru",
        "bg_bg",
        "sd_in",
        "sk_sk",
        "sl_si",
        "sn_zw",
        "so_so",
        "sr_rs",
        "sv_se",
        "sw_ke",
        "ta_in",
        "te_in",
        "tg_tj",
        "th_th",
        "tr_tr",
        "uk_ua",
        "umb_ao",
        "ur_pk",
        "uz_uz",
        "vi_vn",
        "wo_sn",
        "xh_za",
        "yo_ng",
        "zu_za",
    ]
)
LANG_ID_NAMES = FLEURS_LANGUAGES + ["all"]
GROUPS = [
    "western_european_we",
    "eastern_european_ee",
    "central_asia_middle_north_african_cmn",
    "sub_saharan_african_ssa",
    "south_asian_sa",
    "south_east_asian_sea",
    "chinese_japanase_korean_cjk",
]
FEATURES = {
    "id": {"dtype": "int32", "_type": "Value"},
    "num_samples": {"dtype": "int32", "_type": "Value"},
    "path": {"dtype": "string", "_type": "Value"},
    "audio": {"sampling_rate": 16000, "_type": "Audio"},
    "transcription": {"dtype": "string", "_type": "Value"},
    "raw_transcription": {"dtype": "string", "_type": "Value"},
    "gender": {"names": ["male", "female", "other"], "_type": "ClassLabel"},
    "lang_id": {"names": LANG_ID_NAMES, "_type": "ClassLabel"},
    "language": {"dtype": "string", "_type": "Value"},
    "lang_group_id": {"names": GROUPS, "_type": "ClassLabel"},
}
# The espeak-ng voice each shipped "speaker" was made with decides its gender label.
GENDER = {"alaw": "female", "bryn": "male", "ceri": "female", "dana": "female"}
# Which shipped clips go where: the test voice of the Welsh set is never heard in training.
SPLITS = {
    ("cy_gb", "Welsh"): {
        "train": ("welsh/train", None),
        "validation": ("welsh/test", slice(6, 8)),
        "test": ("welsh/test", slice(0, 8)),
    },
    ("en_us", "English"): {
        "train": ("english/test", slice(0, 2)),
        "validation": ("english/test", slice(2, 3)),
        "test": ("english/test", slice(3, 4)),
    },
}


def normalised(text: str) -> str:
    """FLEURS' `transcription`: lower case, punctuation other than apostrophes removed."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


# FLEURS' id names the sentence, shared by every reading of it.
SENTENCE_IDS: dict[str, int] = {}


def rows(folder: str, keep: slice | None, code: str, language: str) -> list[dict]:
    with open(SPEECH / folder / "metadata.csv", encoding="utf-8") as handle:
        entries = list(csv.DictReader(handle))[keep or slice(None)]
    out = []
    for entry in entries:
        wave_path = SPEECH / folder / entry["file_name"]
        text = entry["transcription"]
        out.append(
            {
                "id": SENTENCE_IDS.setdefault(text, 1000 + len(SENTENCE_IDS)),
                "num_samples": sf.info(wave_path).frames,
                "path": entry["file_name"],
                "audio": {"bytes": wave_path.read_bytes(), "path": entry["file_name"]},
                "transcription": normalised(text),
                "raw_transcription": text,
                "gender": ["male", "female", "other"].index(GENDER[entry["speaker_id"]]),
                "lang_id": LANG_ID_NAMES.index(code),
                "language": language,
                "lang_group_id": GROUPS.index("western_european_we"),
            }
        )
    return out


def main() -> None:
    from datasets import Features

    schema = Features.from_dict(json.loads(json.dumps(FEATURES))).arrow_schema
    for (code, language), splits in SPLITS.items():
        for split, (folder, keep) in splits.items():
            target = REPLICA / code / split / "0000.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(
                pa.Table.from_pylist(rows(folder, keep, code, language), schema=schema), target
            )
            print(f"{target.relative_to(REPLICA)}: {pq.read_metadata(target).num_rows} rows")


if __name__ == "__main__":
    main()
