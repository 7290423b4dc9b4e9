"""The dataset replicas of ch. 05-07 load with the chapters' own calls and have the hub's layout."""

import imageio.v3 as iio
import pytest
from datasets import ClassLabel, Image, Value

from genai_course import load_hub_dataset
from genai_course.hub import hub_snapshot

VIDEOS = "Wild-Heart/Disney-VideoGeneration-Dataset"


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")


def test_mnist_has_the_hubs_config_splits_and_features():
    train = load_hub_dataset("ylecun/mnist", split="train")
    assert train.features["image"] == Image()
    assert train.features["label"] == ClassLabel(names=[str(d) for d in range(10)])
    assert len(load_hub_dataset("ylecun/mnist", "mnist", split="test")) > 0
    assert 7 in set(train["label"])
    with pytest.raises(ValueError):  # the hub has one config, `mnist`
        load_hub_dataset("ylecun/mnist", "default", split="train")


def test_nouns_has_image_and_text_and_full_size():
    nouns = load_hub_dataset("m1guelpf/nouns", split="train")
    assert nouns.features == {"image": Image(), "text": Value("string")}
    assert len(nouns) >= 2000  # the full profile's NUM_EXAMPLES, rehearsed at its real size
    assert nouns[0]["text"].startswith("a pixel art character with square ")


def test_video_clips_pair_line_by_line_with_captions():
    folder = hub_snapshot(VIDEOS)
    videos = (folder / "videos.txt").read_text(encoding="utf-8").split()
    captions = [
        line
        for line in (folder / "prompt.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(videos) == len(captions) >= 6
    for name in videos:
        assert name.startswith("videos/") and len(name) == len("videos/") + 32 + len(".mp4")
        frames = iio.imread(folder / name, index=None)
        assert (
            frames.shape[0] == 180 and frames.shape[2] > frames.shape[1]
        )  # 6 s at 30 fps, landscape


def test_hub_snapshot_returns_a_readers_own_folder(tmp_path):
    assert hub_snapshot(str(tmp_path)) == tmp_path
