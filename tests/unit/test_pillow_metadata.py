"""Results carry no metadata: every input format that can hold some, into every output format.

Each source holds a marker string in every field its format has (EXIF with GPS, XMP, comments, PNG tEXt/iTXt,
TIFF tags) plus an ICC profile. A result must hold none of it, whichever encoder wrote it.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin, TiffImagePlugin

from adapters.pillow.processor import PillowImageProcessor
from domain.operations import Format, Grayscale, Operation

MARKER = "PRIVATE-MARKER-7f3a"
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    f"<rdf:Description>{MARKER}</rdf:Description></rdf:RDF></x:xmpmeta>"
).encode()
METADATA_KEYS = ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Author", "Comment")
processor = PillowImageProcessor(max_pixels=50_000_000)


def exif() -> Image.Exif:
    tags = Image.Exif()
    tags[ExifTags.Base.Artist] = MARKER
    tags[ExifTags.Base.ImageDescription] = MARKER
    tags.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (12.0, 34.0, 56.0)})
    return tags


def source(format: str) -> bytes:
    image = Image.effect_noise((40, 30), 64).convert("RGB")
    out = BytesIO()
    if format == "JPEG":
        image.save(out, "JPEG", exif=exif(), icc_profile=ICC, xmp=XMP, comment=MARKER.encode())
    elif format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", MARKER)
        text.add_itxt("Comment", MARKER)
        text.add_text("XML:com.adobe.xmp", XMP.decode())
        image.save(out, "PNG", pnginfo=text, exif=exif(), icc_profile=ICC)
    elif format == "WEBP":
        image.save(out, "WEBP", exif=exif(), icc_profile=ICC, xmp=XMP)
    elif format.startswith("animated"):
        frames = [image, image.rotate(90, expand=False), image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
        kind = format.split()[1]
        fields = {"exif": exif(), "icc_profile": ICC, "xmp": XMP} if kind == "WEBP" else {"comment": MARKER.encode()}
        image.save(out, kind, save_all=True, append_images=frames[1:], duration=100, loop=0, **fields)
    else:
        tags = TiffImagePlugin.ImageFileDirectory_v2()
        tags[ExifTags.Base.Artist] = MARKER
        tags[ExifTags.Base.ImageDescription] = MARKER
        image.save(out, "TIFF", tiffinfo=tags, icc_profile=ICC)
    data = out.getvalue()
    assert MARKER.encode() in data, f"the {format} source must carry the marker for the test to mean anything"
    return data


INPUTS = ["JPEG", "PNG", "WEBP", "TIFF"]
OUTPUTS: list[tuple[str, tuple[Operation, ...]]] = [
    ("kept", (Grayscale(),)),  # no format op: the source's own format (TIFF becomes PNG)
    ("jpeg", (Format("jpeg"),)),
    ("png", (Format("png"),)),
    ("webp", (Format("webp"),)),
    ("avif", (Format("avif"),)),
    ("gif", (Format("gif"),)),
]


ANIMATED_OUTPUTS = [output for output in OUTPUTS if output[0] in ("kept", "webp", "gif", "avif")]


@pytest.mark.parametrize("output", OUTPUTS, ids=[name for name, _ in OUTPUTS])
@pytest.mark.parametrize("input_format", INPUTS)
def test_no_metadata_survives_from_any_input_into_any_output(
    input_format: str, output: tuple[str, tuple[Operation, ...]]
) -> None:
    data = source(input_format)

    result, _ = processor.run(data, output[1])

    assert MARKER.encode() not in result
    with Image.open(BytesIO(result)) as image:
        assert [key for key in METADATA_KEYS if key in image.info] == []
        assert dict(image.getexif()) == {}
        assert getattr(image, "text", {}) == {}


@pytest.mark.parametrize("output", ANIMATED_OUTPUTS, ids=[name for name, _ in ANIMATED_OUTPUTS])
@pytest.mark.parametrize("input_format", ["animated WEBP", "animated GIF"])
def test_no_metadata_survives_an_animation(input_format: str, output: tuple[str, tuple[Operation, ...]]) -> None:
    result, info = processor.run(source(input_format), output[1])

    assert info.frames == 3, "the animation path, not the first frame's"
    assert MARKER.encode() not in result
    with Image.open(BytesIO(result)) as image:
        assert [key for key in METADATA_KEYS if key in image.info] == []
