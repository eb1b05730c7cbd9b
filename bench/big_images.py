"""Big images: 4000×3000 JPEGs through the default pipeline (resize into 1024×1024, grayscale, JPEG q85),
Pixelmill's PillowImageProcessor versus a naive Pillow `open → resize → convert('L') → save`, in one process.

Pixelmill decodes in JPEG draft mode (a DCT-domain downscale to the smallest 1/2, 1/4 or 1/8 scale still at
least the target size), then reduces by a box filter before Lanczos. The naive loop decodes every pixel. Two
naive variants: with Lanczos (the same filter as Pixelmill, so the same look) and with resize()'s default
filter (bicubic, cheaper). Runs alternate between the loops image by image, so drift on a busy machine hits
all alike. The outputs are compared too (mean absolute difference in grey levels), to show draft mode costs
no visible quality. Then the second set (bench/format_loops.py): the same JPEGs into AVIF, and an animated GIF
resized frame by frame, each beside bare Pillow doing the same. No servers needed.

    .venv/bin/python bench/big_images.py                   # 3 images × 6 rounds (~1 minute)
    .venv/bin/python bench/big_images.py --width 6000 --height 4000 --rounds 3
    .venv/bin/python bench/big_images.py --gif 640x360x60 --format-rounds 5
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageChops, ImageStat  # noqa: E402
from adapters.pillow.processor import PillowImageProcessor  # noqa: E402
from domain.operations import parse_pipeline  # noqa: E402

from bench import format_loops  # noqa: E402
from bench.images import photo_jpeg  # noqa: E402
from bench.machine import machine, print_machine, wait_for_quiet  # noqa: E402
from bench.options import add_run_options  # noqa: E402
from bench.report import emit_json, table  # noqa: E402
from bench.run import guarded, run_main  # noqa: E402


GOAL_RATIO = 2.0
BOX = (1024, 1024)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--images", type=int, default=3, help="distinct source images (default 3)")
    parser.add_argument("--rounds", type=int, default=6, help="passes over the images per loop (default 6)")
    parser.add_argument("--format-rounds", type=int, default=3, help="rounds of the AVIF and GIF loops (default 3)")
    parser.add_argument("--gif", default="480x270x40", metavar="WxHxFRAMES", help="the animated GIF (default 480x270x40)")
    add_run_options(parser, 600.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    print_machine(info)
    with guarded(args.max_seconds):
        began = time.monotonic()
        images = [photo_jpeg(args.width, args.height, seed) for seed in range(args.images)]
        print(f"{len(images)} images of {args.width}×{args.height} "
              f"({sum(map(len, images)) // len(images):,} bytes on average, made in {time.monotonic() - began:.1f} s), "
              f"{args.rounds} rounds", flush=True)  # fmt: skip
        processor = PillowImageProcessor(max_pixels=max(50_000_000, args.width * args.height))
        pipeline = parse_pipeline(None)  # the default pipeline, as a task without `operations` gets it
        loops: dict[str, Callable[[bytes], bytes]] = {
            "pixelmill": lambda data: processor.run(data, pipeline)[0],
            "naive (lanczos)": lambda data: naive(data, Image.Resampling.LANCZOS),
            "naive (default filter)": lambda data: naive(data, None),
        }
        for loop in loops.values():  # warm: imports, decoder tables, allocator
            loop(images[0])
        idle = wait_for_quiet(args.quiet) if args.quiet else None
        seconds = dict.fromkeys(loops, 0.0)
        cpu = dict.fromkeys(loops, 0.0)
        deadline = time.monotonic() + args.max_seconds
        runs = 0
        for _ in range(args.rounds):
            for image in images:
                for name, loop in loops.items():
                    wall, used = time.perf_counter(), time.process_time()
                    loop(image)
                    seconds[name] += time.perf_counter() - wall
                    cpu[name] += time.process_time() - used
                runs += 1
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the benchmark ran over its {args.max_seconds:.0f} s bound")
        outputs = {name: loop(images[0]) for name, loop in loops.items()}
        avif = format_loops.avif_rows(processor, images, args.format_rounds, deadline)
        gif_width, gif_height, gif_frames = (int(part) for part in args.gif.split("x"))
        gif = format_loops.gif_rows(
            processor, format_loops.animated_gif(gif_width, gif_height, gif_frames), args.format_rounds, deadline
        )

    rows: list[dict[str, Any]] = []
    reference = Image.open(BytesIO(outputs["naive (lanczos)"]))
    for name in loops:
        result = Image.open(BytesIO(outputs[name]))
        rows.append({
            "loop": name,
            "images": runs,
            "seconds": round(seconds[name], 2),
            "images_s": round(runs / seconds[name], 2),
            "ms_per_image": round(seconds[name] * 1000 / runs, 1),
            "cpu_ms_per_image": round(cpu[name] * 1000 / runs, 1),
            "output": f"{result.width}×{result.height} {result.mode}",
            "diff_vs_naive_lanczos": _difference(result, reference),
        })  # fmt: skip
    by_name = {row["loop"]: row for row in rows}
    ratio = round(by_name["pixelmill"]["images_s"] / by_name["naive (lanczos)"]["images_s"], 2)
    ratio_default = round(by_name["pixelmill"]["images_s"] / by_name["naive (default filter)"]["images_s"], 2)
    print()
    print(table(rows, ["loop", "images", "seconds", "images_s", "ms_per_image", "cpu_ms_per_image", "output",
                              "diff_vs_naive_lanczos"]))  # fmt: skip
    verdict = f"goal {'MET ' if ratio >= GOAL_RATIO else 'MISSED'}: Pixelmill / naive = {ratio} (goal >= {GOAL_RATIO:g})"
    print(verdict)
    print(f"Pixelmill / naive with resize()'s default filter = {ratio_default}")
    columns = ["loop", "images", "images_s", "frames_s", "ms_per_image", "cpu_ms_per_image", "bytes", "output"]
    print(f"\nAVIF output, quality {format_loops.AVIF_QUALITY}, into {BOX[0]}×{BOX[1]}:")
    print(table(avif, columns))
    print(f"\nAnimated GIF {args.gif} resized to half, every frame:")
    print(table(gif, columns))
    emit_json(
        "big_images",
        {"machine": info, "image": [args.width, args.height], "image_bytes": [len(image) for image in images],
         "rows": rows, "ratio": ratio, "ratio_default_filter": ratio_default, "goal": verdict,
         "idle_before": idle, "avif_rows": avif, "gif": args.gif, "gif_rows": gif},
        args.json_out,
    )  # fmt: skip
    return 0


def naive(data: bytes, resample: Image.Resampling | None) -> bytes:
    """What one writes first: full decode, resize to the size Pixelmill produces, grayscale, save."""
    with Image.open(BytesIO(data)) as image:
        scale = min(BOX[0] / image.width, BOX[1] / image.height, 1.0)
        size = max(1, round(image.width * scale)), max(1, round(image.height * scale))
        resized = image.resize(size, resample) if resample is not None else image.resize(size)
        out = BytesIO()
        resized.convert("L").save(out, "JPEG", quality=85)
        return out.getvalue()


def _difference(image: Image.Image, reference: Image.Image) -> float | None:
    """Mean absolute difference in grey levels (0-255) between two results of the same size."""
    if image.size != reference.size:
        return None
    return round(ImageStat.Stat(ImageChops.difference(image.convert("L"), reference.convert("L"))).mean[0], 2)


if __name__ == "__main__":
    run_main(main)
