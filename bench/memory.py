"""Peak memory of one pixel process on the worst pipelines Pixelmill accepts at default settings, against the
memory model's prediction and the worker's budget.

For each pipeline the largest 4:3 colour JPEG that passes the submission rules at default settings
(`MAX_IMAGE_PIXELS`, `WORKER_MEMORY_MB`, `PIXEL_PROCESSES`) is made (noise: the worst case for encoders), and the
pipeline runs in a fresh process, as in a pixel process of the pool: its peak RSS (VmHWM, baseline included) is
read from /proc. The budget holds when every peak stays below `WORKER_MEMORY_MB`.

    .venv/bin/python bench/memory.py                       # five pipelines (~1 minute)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402
from domain.errors import ValidationFailed  # noqa: E402
from domain.geometry import check_pipeline  # noqa: E402
from domain.memory_budget import MB, check_memory, pixel_memory, working_set  # noqa: E402
from domain.operations import parse_pipeline  # noqa: E402
from domain.values import ImageInfo  # noqa: E402
from entrypoints.settings import Settings  # noqa: E402

from bench.machine import machine, print_machine  # noqa: E402
from bench.options import add_run_options  # noqa: E402
from bench.report import emit_json, table  # noqa: E402
from bench.run import BenchError, guarded, run_main  # noqa: E402


PIPELINES = {
    "default": [],
    "rotate45": [{"op": "rotate", "degrees": 45}],
    "blur50": [{"op": "blur", "radius": 50}],
    "webp": [{"op": "format", "format": "webp"}],
    "fill6000x4500": [{"op": "resize", "width": 6000, "height": 4500, "fit": "fill"}],
}
RUN = """
import json, re, sys
from adapters.pillow.processor import PillowImageProcessor
from domain.operations import parse_pipeline
def kib(key):
    return int(re.search(key + r":\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
data = open(sys.argv[1], "rb").read()
processor = PillowImageProcessor(int(sys.argv[3]))
baseline = kib("VmRSS")
result, _ = processor.run(data, parse_pipeline(json.loads(sys.argv[2])))
processor.preview(result)
print(json.dumps({"baseline_kib": baseline, "peak_kib": kib("VmHWM")}))
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipelines", default=",".join(PIPELINES), help=f"comma list of {', '.join(PIPELINES)}")
    parser.add_argument("--max-scale", type=float, default=4.0,
                        help="largest source tried, as a multiple of 4000×3000 (default 4; small for a smoke run)")
    add_run_options(parser, 900.0, quiet=False)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings()
    budget = pixel_memory(settings.worker_memory_mb, settings.pixel_processes)
    info = machine()
    print_machine(info)
    print(f"defaults: MAX_IMAGE_PIXELS {settings.max_image_pixels:,}, WORKER_MEMORY_MB {settings.worker_memory_mb}, "
          f"PIXEL_PROCESSES {settings.pixel_processes}: {budget / MB:.0f} MB for images", flush=True)  # fmt: skip
    rows = []
    with guarded(args.max_seconds), tempfile.TemporaryDirectory(prefix="pixelmill-bench-memory-") as tmp:
        for name in args.pipelines.split(","):
            if name not in PIPELINES:
                raise BenchError(f"unknown pipeline {name!r}: {', '.join(PIPELINES)}")
            rows.append(measure(name, PIPELINES[name], settings, budget, Path(tmp), args.max_scale))
    print()
    print(table(rows, ["pipeline", "source", "predicted_mib", "peak_rss_mib", "baseline_mib", "within_budget"]))
    emit_json("memory", {"machine": info, "worker_memory_mb": settings.worker_memory_mb, "rows": rows}, args.json_out)
    return 0


def measure(
    name: str, raw: list[dict[str, Any]], settings: Settings, budget: int, tmp: Path, max_scale: float
) -> dict[str, Any]:
    operations = parse_pipeline(raw)
    scale = largest_accepted(operations, settings.max_image_pixels, budget, max_scale)
    width, height = int(4000 * scale), int(3000 * scale)
    out = BytesIO()
    Image.effect_noise((width, height), 48).convert("RGB").save(out, "JPEG", quality=92)
    path = tmp / f"{width}x{height}.jpg"
    path.write_bytes(out.getvalue())
    source = ImageInfo("JPEG", width, height, "RGB", len(out.getvalue()))
    predicted = working_set(source, operations)[0]
    ran = subprocess.run([sys.executable, "-c", RUN, str(path), json.dumps(raw), str(settings.max_image_pixels)],
                         capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
    if ran.returncode != 0:
        raise BenchError(f"{name} failed: {ran.stderr[-500:]}")
    measured = json.loads(ran.stdout)
    row = {
        "pipeline": name,
        "source": f"{width}×{height}",
        "predicted_mib": round(predicted / MB),
        "peak_rss_mib": round(measured["peak_kib"] / 1024),
        "baseline_mib": round(measured["baseline_kib"] / 1024),
        "within_budget": measured["peak_kib"] * 1024 <= settings.worker_memory_mb * MB,
    }
    print(f"{name}: {row['source']}, peak {row['peak_rss_mib']} MiB (predicted {row['predicted_mib']} + baseline)", flush=True)
    return row


def largest_accepted(operations: tuple[Any, ...], max_pixels: int, budget: int, max_scale: float) -> float:
    """The largest scale of a 4000×3000 JPEG (of about 0.6 bytes a pixel) the submission rules accept."""
    low, high = min(0.05, max_scale), max_scale
    for _ in range(30):
        middle = (low + high) / 2
        width, height = int(4000 * middle), int(3000 * middle)
        info = ImageInfo("JPEG", width, height, "RGB", int(width * height * 0.6))
        try:
            check_pipeline(info, operations, max_pixels)
            check_memory(info, operations, budget)
            low = middle
        except ValidationFailed:
            high = middle
    return low


if __name__ == "__main__":
    run_main(main)
