"""Unit tests for the book-style diffusion helpers of chapter 05."""
import pytest
import torch

from genai_course.diffusion import (
    TimeStepUNet,
    mix_with_noise,
    nearest_real_distance,
    noise_schedule,
    sample_by_feedback,
)


def test_schedule_runs_from_pure_noise_to_clean():
    schedule = noise_schedule(30)
    assert schedule.shape == (31,)
    assert schedule[0] == 1.0 and schedule[-1] == 0.0
    assert torch.all(schedule[1:] < schedule[:-1])


def test_schedule_rejects_zero_steps():
    with pytest.raises(ValueError, match="at least 1"):
        noise_schedule(0)


def test_mixing_endpoints_and_dtype():
    schedule = noise_schedule(4)
    images = torch.rand(3, 1, 8, 8)
    first, _ = mix_with_noise(images, torch.tensor([0, 0, 0]), schedule,
                              torch.Generator().manual_seed(0))
    _, last = mix_with_noise(images, torch.tensor([3, 3, 3]), schedule)
    assert first.dtype == torch.float32
    assert torch.allclose(last, images)  # the stage after the last step is the clean image
    noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(first, noise)  # stage 0 is pure noise


def test_mixing_rejects_out_of_range_stages():
    with pytest.raises(ValueError, match="stages must lie"):
        mix_with_noise(torch.rand(2, 1, 8, 8), torch.tensor([0, 4]), noise_schedule(4))


@pytest.mark.parametrize("size", [16, 32])
def test_unet_keeps_image_shape(size):
    model = TimeStepUNet(image_size=size, channels=1, width=8, time_dim=16, bottleneck_channels=4,
                         hidden=16)
    out = model(torch.randn(2, 1, size, size), torch.tensor([0.0, 0.5]))
    assert out.shape == (2, 1, size, size)


def test_book_sized_unet_has_about_4_3m_parameters():
    count = sum(p.numel() for p in TimeStepUNet().parameters())
    assert 4.2e6 < count < 4.4e6


def test_unet_rejects_odd_sizes():
    with pytest.raises(ValueError, match="divide by 8"):
        TimeStepUNet(image_size=20)


def test_sampling_returns_final_images_and_trajectory():
    model = TimeStepUNet(image_size=16, width=8, time_dim=16, bottleneck_channels=4, hidden=16)
    final, trajectory = sample_by_feedback(model, n=3, steps=6, image_shape=(1, 16, 16),
                                           keep_every=2)
    assert final.shape == (3, 1, 16, 16)
    assert len(trajectory) == 4  # the starting noise, then stages 2, 4, 6
    assert torch.equal(trajectory[-1], final)


def test_nearest_real_distance_is_zero_for_a_copy():
    reals = torch.rand(5, 1, 4, 4) * 2 - 1
    distances = nearest_real_distance(reals[:2].clone(), reals)
    assert torch.allclose(distances, torch.zeros(2), atol=1e-3)
    with pytest.raises(ValueError, match="differ in shape"):
        nearest_real_distance(torch.rand(1, 1, 2, 2), reals)


@pytest.mark.parametrize("name", ["TimeBlock", "TimeStepUNet"])
def test_package_copy_equals_the_chapters_definition(name):
    import inspect

    from chapter_code import defined_in_chapter

    from genai_course import diffusion

    chapter = defined_in_chapter("05_diffusion_from_scratch.ipynb", name)
    assert inspect.getsource(getattr(diffusion, name)).strip() == chapter.strip(), (
        f"chapter 05 and genai_course/diffusion.py define different {name}s: copy the chapter's")
