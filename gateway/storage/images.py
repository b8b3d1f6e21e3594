"""Images with Pillow: decoded under a pixel limit, stored without metadata, and their
variants. Plain functions, run in worker threads (Pillow releases the GIL while it
decodes, resizes and encodes), never on the event loop.

* `sanitize`: the stored original. The header is read first and an image over
  ``max_pixels`` (width x height, every frame counted) is refused before any pixel is
  decoded: a decompression bomb costs a header read. Then the image is decoded (a
  truncated or corrupt one is refused), turned upright by its EXIF orientation, and
  encoded again with none of its metadata but the colour profile: no EXIF (GPS
  position, camera, time), no XMP, no comments.
* `make_variants`: each declared box (contain: fit inside, never enlarged; cover: fill
  and crop) in its format (webp, jpeg, png or the original's).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from gateway.storage.errors import StorageError, field
from gateway.storage.sniff import IMAGE_TYPES

#: Frames of an animated image at most (each counts against the pixel limit too).
MAX_FRAMES = 1000
#: What survives re-encoding: how the image looks, nothing about where or who.
KEPT_INFO = ("icc_profile", "transparency", "duration", "loop", "background", "disposal")
SAVE_FORMATS = {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG"}
MIME = {"WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}


@dataclass(frozen=True)
class Facts:
    """What was written: bytes, SHA-256, pixel size, content type."""

    bytes: int
    sha256: str
    width: int
    height: int
    type: str

    def as_json(self) -> dict[str, Any]:
        return {
            "bytes": self.bytes,
            "sha256": self.sha256,
            "width": self.width,
            "height": self.height,
            "type": self.type,
        }


def _open(path: Path, max_pixels: int) -> Image.Image:
    """Open (header only) and refuse what is not an image or too many pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels(None, max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise not_an_image(str(exc)) from None
    frames = getattr(image, "n_frames", 1)
    if image.width * image.height * min(frames, MAX_FRAMES) > max_pixels or frames > MAX_FRAMES:
        size = (image.width, image.height, frames)
        image.close()
        raise too_many_pixels(size, max_pixels)
    return image


def too_many_pixels(size: tuple[int, int, int] | None, max_pixels: int) -> StorageError:
    shown = "" if size is None else f" ({size[0]}x{size[1]} pixels, {size[2]} frame(s))"
    return StorageError(
        413,
        "storage.image_too_large",
        f"the image{shown} is over the limit of {max_pixels:,} pixels (a decompression bomb?)",
        field("pixels", max_pixels=max_pixels),
        "send a smaller image",
    )


def not_an_image(reason: str) -> StorageError:
    return StorageError(
        422,
        "storage.invalid_image",
        f"the file starts like an image but cannot be decoded: {reason}",
        field("content"),
    )


def sanitize(src: Path, dst: Path, content_type: str, max_pixels: int) -> Facts:
    """Decode ``src`` (sniffed as ``content_type``) and write it to ``dst`` upright and
    without metadata; the facts of ``dst``."""
    with _open(src, max_pixels) as image:
        if MIME.get(image.format or "") != content_type or content_type not in IMAGE_TYPES:
            raise not_an_image(f"Pillow reads it as {image.format}, not {content_type}")
        try:
            animated = getattr(image, "is_animated", False)
            if animated:
                image.load()
                clean = image
            else:
                image.load()
                clean = ImageOps.exif_transpose(image) or image
            clean.info = {k: v for k, v in image.info.items() if k in KEPT_INFO}
            _save(clean, dst, image.format or "PNG", animated=animated, quality=90)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise not_an_image(str(exc)) from None
    return facts(dst)


def _save(image: Image.Image, dst: Path, fmt: str, *, animated: bool, quality: int) -> None:
    options: dict[str, Any] = {"icc_profile": image.info.get("icc_profile")}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=quality, exif=b"", optimize=False)
    elif fmt == "WEBP":
        options.update(quality=quality, exif=b"", xmp=b"")
    elif fmt == "PNG":
        options.update(exif=b"")
    if animated:
        options.update(save_all=True)
    options = {k: v for k, v in options.items() if v is not None}
    with open(dst, "wb") as out:
        image.save(out, fmt, **options)


def facts(path: Path) -> Facts:
    """Bytes, SHA-256, pixel size and type of an image file just written."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    with Image.open(path) as image:
        return Facts(
            path.stat().st_size,
            digest.hexdigest(),
            image.width,
            image.height,
            MIME.get(image.format or "", "application/octet-stream"),
        )


def make_variants(
    src: Path, targets: list[dict[str, Any]], out: dict[str, Path], max_pixels: int
) -> dict[str, Facts]:
    """Each target (``{name, width, height, fit, format, quality}``) of ``src`` written to
    ``out[name]``; their facts by name."""
    made: dict[str, Facts] = {}
    with _open(src, max_pixels) as image:
        image.seek(0)
        image.load()
        base = image.convert("RGBA") if image.mode in ("P", "LA", "PA") else image
        for target in targets:
            name = str(target["name"])
            box = (int(target.get("width") or 1_000_000), int(target.get("height") or 1_000_000))
            if target.get("fit") == "cover":
                resized = ImageOps.fit(base, box, Image.Resampling.LANCZOS)
            else:
                resized = base.copy()
                resized.thumbnail(box, Image.Resampling.LANCZOS)
            fmt = SAVE_FORMATS.get(str(target.get("format")), image.format or "PNG")
            resized.info = {}
            _save(resized, out[name], fmt, animated=False, quality=int(target.get("quality") or 80))
            made[name] = facts(out[name])
    return made


def results_json(made: dict[str, Facts]) -> str:
    return json.dumps({name: f.as_json() for name, f in made.items()})
