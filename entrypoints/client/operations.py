"""`--op` shorthands to API operations: resize=800x600[:cover], thumbnail=256, grayscale, format=webp:80, …"""

from __future__ import annotations

from typing import Any


class OperationSyntaxError(ValueError):
    pass


def _int(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise OperationSyntaxError(f"{what} must be a whole number, not {value!r}") from None


def parse_op(text: str) -> dict[str, Any]:
    """One operation; raises OperationSyntaxError with a hint. The server validates the values."""
    name, _, arg = text.strip().partition("=")
    if name == "resize":
        size, _, fit = arg.partition(":")
        width, x, height = size.partition("x")
        if not x:
            raise OperationSyntaxError("resize=WIDTHxHEIGHT[:contain|cover|fill], e.g. resize=800x600")
        return {"op": "resize", "width": _int(width, "width"), "height": _int(height, "height"), "fit": fit or "contain"}
    if name == "thumbnail":
        return {"op": "thumbnail", "size": _int(arg, "size")}
    if name in ("grayscale", "sharpen") and not arg:
        return {"op": name}
    if name == "rotate":
        return {"op": "rotate", "degrees": _int(arg, "degrees")}
    if name == "flip" and arg in ("horizontal", "vertical"):
        return {"op": "flip", "direction": arg}
    if name == "blur":
        try:
            return {"op": "blur", "radius": float(arg)}
        except ValueError:
            raise OperationSyntaxError("blur=RADIUS, e.g. blur=2.5") from None
    if name == "format" and arg:
        fmt, _, quality = arg.partition(":")
        op: dict[str, Any] = {"op": "format", "format": fmt}
        if quality:
            op["quality"] = _int(quality, "quality")
        return op
    raise OperationSyntaxError(
        f"unknown operation {text!r}: use resize=WxH[:fit], thumbnail=N, grayscale, sharpen, rotate=D, "
        "flip=horizontal|vertical, blur=R or format=jpeg|png|webp[:QUALITY]"
    )
