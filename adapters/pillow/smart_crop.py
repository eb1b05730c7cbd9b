"""Where a cover crop keeps the most detail: edge energy on a small draft, deterministic."""

from __future__ import annotations

from PIL import Image, ImageFilter

DRAFT_SIDE = 128  # the energy map's longest side: enough to find a subject, cheap on any source
# Where each named gravity puts the crop window, as ImageOps.fit's `centering` (0 is left or top, 1 right or bottom).
CENTERING = {
    "center": (0.5, 0.5),
    "north": (0.5, 0.0),
    "south": (0.5, 1.0),
    "east": (1.0, 0.5),
    "west": (0.0, 0.5),
    "northeast": (1.0, 0.0),
    "northwest": (0.0, 0.0),
    "southeast": (1.0, 1.0),
    "southwest": (0.0, 1.0),
}


def centering(image: Image.Image, target: tuple[int, int], gravity: str | None) -> tuple[float, float]:
    """The `centering` that places a crop of the target's aspect on the named region, or on the busiest one."""
    if gravity != "smart":
        return CENTERING[gravity or "center"]
    width, height = image.size
    scale = max(target[0] / width, target[1] / height)
    window = (min(width, target[0] / scale), min(height, target[1] / scale))  # the crop, in source pixels
    energy = _energy(image)
    columns = list(energy.resize((energy.width, 1), Image.Resampling.BOX).get_flattened_data())
    rows = list(energy.resize((1, energy.height), Image.Resampling.BOX).get_flattened_data())
    x = _best_offset(columns, window[0] / width)
    y = _best_offset(rows, window[1] / height)
    return x, y


def _energy(image: Image.Image) -> Image.Image:
    draft = image.convert("L")
    draft.thumbnail((DRAFT_SIDE, DRAFT_SIDE), Image.Resampling.BOX)
    edges = draft.filter(ImageFilter.FIND_EDGES)
    # The filter copies the border pixels through unchanged: they are not edges.
    return edges.crop((1, 1, edges.width - 1, edges.height - 1)) if min(edges.size) > 2 else edges


def _best_offset(profile: list[float], fraction: float) -> float:
    """The window start (as a fraction of the slack) whose sum of `profile` is largest; ties go to the middle."""
    length = len(profile)
    span = max(1, min(length, round(fraction * length)))
    slack = length - span
    if slack <= 0:
        return 0.5
    total = sum(profile[:span])
    best, best_start = total, 0
    middle = slack / 2
    for start in range(1, slack + 1):
        total += profile[start + span - 1] - profile[start - 1]
        if total > best or (total == best and abs(start - middle) < abs(best_start - middle)):
            best, best_start = total, start
    return best_start / slack
