"""The second set of formats for big_images.py: AVIF output and animated GIFs, Pixelmill beside bare Pillow.

AVIF: the same photo-like JPEGs resized into 1024×1024 and encoded as AVIF at quality 60, by Pixelmill's
processor and by a bare `open → resize → save('AVIF')`, with Pillow's default speed and with Pixelmill's. Animated GIF: a generated GIF of N frames resized
into half its size, every frame, durations and loop kept, by Pixelmill and by a bare ImageSequence loop.
Loops alternate item by item, as in the main measurement.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from io import BytesIO
from typing import Any

from PIL import Image, ImageDraw, ImageSequence

from adapters.pillow.processor import PillowImageProcessor
from domain.operations import Format, Resize

AVIF_QUALITY = 60
BOX = (1024, 1024)


def avif_rows(processor: PillowImageProcessor, images: list[bytes], rounds: int, deadline: float) -> list[dict[str, Any]]:
    pipeline = (Resize(*BOX), Format("avif", AVIF_QUALITY))
    loops: dict[str, Callable[[bytes], bytes]] = {
        "pixelmill → avif": lambda data: processor.run(data, pipeline)[0],
        "bare pillow → avif": bare_avif,
        "bare pillow → avif (speed 8)": lambda data: bare_avif(data, speed=8),
    }
    return _measure(loops, images, rounds, deadline, unit=lambda _: 1)


def gif_rows(processor: PillowImageProcessor, gif: bytes, rounds: int, deadline: float) -> list[dict[str, Any]]:
    with Image.open(BytesIO(gif)) as source:
        half = (source.width // 2, source.height // 2)
        frames = source.n_frames
    pipeline = (Resize(*half),)
    loops: dict[str, Callable[[bytes], bytes]] = {
        "pixelmill gif → gif": lambda data: processor.run(data, pipeline)[0],
        "bare pillow gif → gif": lambda data: bare_gif(data, half),
    }
    return _measure(loops, [gif], rounds, deadline, unit=lambda _: frames)


def animated_gif(width: int, height: int, frames: int, seed: int = 0) -> bytes:
    """A deterministic animation: a moving shape over a gradient, each frame 40–80 ms, looping forever."""
    rng = random.Random(seed)
    background = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    images = []
    for index in range(frames):
        frame = background.copy()
        x = (index * width // frames) % width
        ImageDraw.Draw(frame).ellipse((x, height // 4, x + width // 5, height // 4 + height // 3), fill=(200, 40, 40))
        images.append(frame)
    durations = [rng.choice((40, 60, 80)) for _ in range(frames)]
    out = BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=durations, loop=0)
    return out.getvalue()


def bare_avif(data: bytes, speed: int | None = None) -> bytes:
    with Image.open(BytesIO(data)) as image:
        scale = min(BOX[0] / image.width, BOX[1] / image.height, 1.0)
        resized = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
        out = BytesIO()
        resized.save(out, "AVIF", quality=AVIF_QUALITY, **({"speed": speed} if speed else {}))
        return out.getvalue()


def bare_gif(data: bytes, size: tuple[int, int]) -> bytes:
    with Image.open(BytesIO(data)) as image:
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            durations.append(frame.info.get("duration", 100))
            frames.append(frame.convert("RGB").resize(size, Image.Resampling.LANCZOS))
        out = BytesIO()
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=image.info.get("loop", 0))
        return out.getvalue()


def _measure(
    loops: dict[str, Callable[[bytes], bytes]], items: list[bytes], rounds: int, deadline: float, unit: Callable[[bytes], int]
) -> list[dict[str, Any]]:
    for loop in loops.values():
        loop(items[0])  # warm
    seconds = dict.fromkeys(loops, 0.0)
    cpu = dict.fromkeys(loops, 0.0)
    done, units = 0, 0
    for _ in range(rounds):
        for item in items:
            for name, loop in loops.items():
                wall, used = time.perf_counter(), time.process_time()
                loop(item)
                seconds[name] += time.perf_counter() - wall
                cpu[name] += time.process_time() - used
            done += 1
            units += unit(item)
            if time.monotonic() > deadline:
                raise TimeoutError("the benchmark ran over its bound")
    outputs = {name: loop(items[0]) for name, loop in loops.items()}
    rows = []
    for name in loops:
        with Image.open(BytesIO(outputs[name])) as result:
            shape = f"{result.width}×{result.height} {result.format} {getattr(result, 'n_frames', 1)} frame(s)"
        rows.append({
            "loop": name,
            "images": done,
            "images_s": round(done / seconds[name], 2),
            "frames_s": round(units / seconds[name], 1),
            "ms_per_image": round(seconds[name] * 1000 / done, 1),
            "cpu_ms_per_image": round(cpu[name] * 1000 / done, 1),
            "bytes": len(outputs[name]),
            "output": shape,
        })  # fmt: skip
    return rows
