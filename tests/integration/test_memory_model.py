"""The memory model against Pillow itself: a fresh process's peak RSS on real pipelines stays within the prediction."""

from __future__ import annotations

import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from domain.memory_budget import working_set
from domain.operations import Blur, Flip, Format, Operation, Resize, Rotate, Sharpen, parse_pipeline, to_dict
from domain.values import ImageInfo

# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through fork and exec.
MEASURE = """
import json, re, sys
from adapters.pillow.processor import PillowImageProcessor
from domain.operations import parse_pipeline
data = open(sys.argv[1], "rb").read()
operations = parse_pipeline(json.loads(sys.argv[2]))
processor = PillowImageProcessor(200_000_000)
def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)) * 1024
before = peak()
result, _ = processor.run(data, operations)
processor.preview(result)
print(peak() - before)
"""

PIPELINES: list[tuple[Operation, ...]] = [
    (Resize(1024, 1024), Flip("vertical")),
    (Rotate(45),),
    (Blur(8), Sharpen()),
    (Resize(3000, 3000, "fill"),),
    (Flip("horizontal"), Format("webp")),
    (Format("png"),),
]


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImageInfo]:
    """Noise compresses worst: the biggest JPEG and encoder buffers a 2000×1500 source can make."""
    out = BytesIO()
    Image.effect_noise((2000, 1500), 60).convert("RGB").save(out, "JPEG", quality=95)
    path = tmp_path_factory.mktemp("memory") / "photo.jpg"
    path.write_bytes(out.getvalue())
    return path, ImageInfo("JPEG", 2000, 1500, "RGB", len(out.getvalue()))


@pytest.mark.parametrize("operations", PIPELINES, ids=lambda ops: "+".join(op.op for op in ops))
def test_the_measured_peak_stays_within_the_predicted_working_set(
    photo: tuple[Path, ImageInfo], operations: tuple[Operation, ...]
) -> None:
    path, info = photo
    assert parse_pipeline([to_dict(op) for op in operations]) == operations
    ran = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), json.dumps([to_dict(op) for op in operations])],
        capture_output=True, text=True, timeout=120, check=True, cwd=Path(__file__).resolve().parents[2],
    )
    measured = int(ran.stdout.strip())
    predicted = working_set(info, operations)[0]

    assert measured <= predicted, f"measured {measured / 2**20:.0f} MB, predicted {predicted / 2**20:.0f} MB"
