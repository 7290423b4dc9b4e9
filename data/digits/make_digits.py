"""Rebuild data/digits/train.parquet: scikit-learn's bundled 8x8 digits, upscaled to MNIST's 28x28 (ch. 05).

The smoke profile of chapter 05 loads this folder with the same `load_dataset(...)` call that loads
`ylecun/mnist` in the full profile, so it keeps MNIST's columns: `image` (grey PNG) and `label`.
Source: the UCI "Optical Recognition of Handwritten Digits" set bundled with scikit-learn (CC BY 4.0).
Run from the repository root: `.venv/bin/python data/digits/make_digits.py`.
"""
from pathlib import Path

import numpy as np
from datasets import ClassLabel, Dataset, Features, Image
from PIL import Image as PILImage
from sklearn.datasets import load_digits

HERE = Path(__file__).resolve().parent


def upscale(pixels: np.ndarray) -> PILImage.Image:
    """An 8x8 digit with values 0..16 as a smooth 28x28 grey image, white ink on black like MNIST."""
    grey = PILImage.fromarray((pixels * (255 / 16)).astype(np.uint8), mode="L")
    return grey.resize((28, 28), PILImage.BILINEAR)


def main() -> None:
    digits = load_digits()
    features = Features({"image": Image(), "label": ClassLabel(names=[str(d) for d in range(10)])})
    table = Dataset.from_dict(
        {"image": [upscale(p) for p in digits.images], "label": digits.target.tolist()}, features=features
    )
    table.to_parquet(HERE / "train.parquet")
    print(f"{len(table)} digits written to {HERE / 'train.parquet'}")


if __name__ == "__main__":
    main()
