"""Cover art drawn by walkcoach: a square image with the exercise, the week and the coach.

Podcast apps ask for square art of 1400 to 3000 pixels; players show it beside the track. The
image is drawn with Pillow and its bundled font (no downloaded assets, no system fonts), in
flat colours, so it compresses to a few tens of kilobytes as PNG and costs little inside
every track.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from walkcoach.errors import InputError

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

SIZE = 1400
MAX_BYTES = 2_000_000
"""The largest image a program file may name for its cover (players choke on bigger)."""
MAX_SIDE = 3000
"""The largest cover, in pixels a side, that podcast apps take."""
_BACKGROUND = (22, 78, 99)
_ACCENT = (244, 162, 97)
_TEXT = (250, 250, 247)
_SOFT = (178, 214, 222)
_MARGIN = 110
_LINES = 3  # the most lines of each text drawn
_MOST_CHARS = 240  # more than three lines hold, at the smallest size
_DRAWING = 2  # bump when the drawing changes, so cached covers are drawn anew


def draw_cover(*, title: str, subtitle: str = "", coach: str = "", size: int = SIZE) -> bytes:
    """A PNG of ``size`` pixels square: ``title`` large, ``subtitle`` (the week, the level)
    and ``coach`` below it, and a walker's backward arrow."""
    from PIL import Image, ImageDraw, ImageFont  # only when a cover is drawn

    image = Image.new("RGB", (size, size), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    scale = size / SIZE
    margin = round(_MARGIN * scale)
    width = size - 2 * margin
    _arrow(draw, scale)
    top = round(560 * scale)
    for text, pixels, colour in ((title, 130, _TEXT), (subtitle, 72, _ACCENT),
                                 (coach, 56, _SOFT)):
        if not text:
            continue
        font = ImageFont.load_default(size=max(8, round(pixels * scale)))
        for line in _wrap(draw, text, font, width):
            draw.text((margin, top), line, font=font, fill=colour)
            top += round(pixels * 1.22 * scale)
        top += round(40 * scale)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)  # RGB: no palette, no time chunk
    return out.getvalue()


def cached_cover(*, title: str, subtitle: str = "", coach: str = "",
                 cache: Path | None = None) -> bytes:
    """:func:`draw_cover`, kept in ``cache`` (a folder) so a rebuild does not draw it again
    (drawing takes a tenth of a second; reading it back, a millisecond). A cached image that
    is damaged is drawn again; a cache that cannot be written is no error."""
    if cache is None:
        return draw_cover(title=title, subtitle=subtitle, coach=coach)
    key = hashlib.sha256(json.dumps([_DRAWING, SIZE, title, subtitle, coach]).encode("utf-8",
                         "replace")).hexdigest()
    path = cache / f"{key}.png"
    with contextlib.suppress(OSError):
        data = path.read_bytes()
        if _whole_png(data):
            return data
    data = draw_cover(title=title, subtitle=subtitle, coach=coach)
    with contextlib.suppress(OSError):
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, prefix=".tmp-", suffix=".png")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return data


def _whole_png(data: bytes) -> bool:
    """Whether ``data`` is a complete PNG whose every chunk checksum holds, up to its IEND.

    Walked here with zlib's CRC-32: Pillow is for drawing, and a build whose cover is cached
    does not import it."""
    if not data.startswith(_PNG_SIGNATURE):
        return False
    at = len(_PNG_SIGNATURE)
    while at + 12 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        end = at + 8 + length  # the chunk's type and data, then its CRC
        if end + 4 > len(data) \
                or zlib.crc32(data[at + 4:end]) != int.from_bytes(data[end:end + 4], "big"):
            return False
        kind, at = data[at + 4:at + 8], end + 4
        if kind == b"IEND":
            return at == len(data)
    return False


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_cover(path: Path) -> bytes:
    """A cover image a coach supplies (a JPEG or PNG file, square enough, not too big, and
    whole), as the bytes to publish: the same kind of image in RGB, with no metadata."""
    try:
        size = path.stat().st_size  # before reading: a sparse 3 GB file is refused unread
        if not path.is_file():
            raise InputError(f"{path}: the cover must be an image file")
        if size > MAX_BYTES:
            raise InputError(f"{path}: the cover image is {size // 1000} kB; at most "
                             f"{MAX_BYTES // 1000} kB")
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the cover image: {exc.strerror or exc}"
                         ) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: the cover image is over {MAX_BYTES // 1000} kB")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()  # a PNG's every chunk checksum
    except Image.DecompressionBombError:
        raise InputError(f"{path}: the cover image is far too large; at most "
                         f"{MAX_SIDE} pixels a side") from None
    except Exception:  # Pillow raises many kinds for a file that is not an image
        raise InputError(f"{path}: not a JPEG or PNG image") from None
    if kind not in ("JPEG", "PNG"):
        raise InputError(f"{path}: the cover must be JPEG or PNG, not {kind}")
    if min(width, height) < 600 or max(width, height) > MAX_SIDE \
            or abs(width - height) > 0.02 * max(width, height):
        raise InputError(f"{path}: the cover must be square, 600 to {MAX_SIDE} pixels a side "
                         f"(it is {width}x{height})")
    return _clean(path, data, kind)


def _clean(path: Path, data: bytes, kind: str) -> bytes:
    """The image decoded whole (a truncated file, or one whose header claims more than its
    data holds, is refused), upright, in RGB (any transparency laid on white), and written
    again as ``kind`` with nothing but its pixels."""
    from PIL import Image, ImageFile, ImageOps

    ImageFile.LOAD_TRUNCATED_IMAGES = False  # a short file is an error, never grey pixels
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if kind == "JPEG" and not _jpeg_whole(data):
                raise ValueError("the JPEG's data ends before its image does")
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                rgba = upright.convert("RGBA")
                rgb = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                rgb.alpha_composite(rgba)
                upright = rgb
            rgb = upright.convert("RGB")
    except Exception:  # Pillow raises many kinds for damaged data
        raise InputError(f"{path}: the {kind} image is damaged or cut short (it cannot be "
                         f"decoded whole)") from None
    out = io.BytesIO()
    if kind == "PNG":
        rgb.save(out, format="PNG")
    else:
        rgb.save(out, format="JPEG", quality=92)
    return out.getvalue()


def _jpeg_whole(data: bytes) -> bool:
    """Whether ffmpeg decodes the JPEG ``data`` with no error: Pillow (libjpeg) fills the
    rows of a file whose header claims more than its data holds with grey and says nothing;
    ffmpeg reports the overread."""
    import subprocess

    from walkcoach.encode.ffmpeg import ffmpeg_exe

    try:
        done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error",
                               "-f", "jpeg_pipe", "-i", "pipe:0", "-f", "null", "-"],
                              input=data, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return True  # no verdict: Pillow's decoding stands
    return done.returncode == 0 and not done.stderr.strip()


def mime_type(data: bytes) -> str:
    """``image/png`` or ``image/jpeg``, from the image's first bytes."""
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


def _arrow(draw: ImageDraw.ImageDraw, scale: float) -> None:
    """A round badge with an arrow pointing back: walking backwards, at a glance."""
    cx, cy, r = round(1060 * scale), round(330 * scale), round(170 * scale)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_ACCENT)
    half = round(26 * scale)
    draw.rectangle((cx - round(40 * scale), cy - half, cx + round(95 * scale), cy + half),
                   fill=_BACKGROUND)
    draw.polygon([(cx - round(115 * scale), cy), (cx - round(30 * scale), cy - round(80 * scale)),
                  (cx - round(30 * scale), cy + round(80 * scale))], fill=_BACKGROUND)


def _wrap(draw: ImageDraw.ImageDraw, text: str,
          font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int,
          most: int = _LINES) -> list[str]:
    """``text`` in at most ``most`` lines no wider than ``width`` pixels (a word too long is
    cut); each measurement is of one line, so any length of text costs the same."""
    lines: list[str] = []
    line = ""
    for word in " ".join(text[:_MOST_CHARS].split()).split(" "):
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        while len(lines) < most and len(word) > 1 and draw.textlength(word, font=font) > width:
            low, high = 1, len(word)  # the longest start of the word that fits: bisection
            while low < high:
                middle = (low + high + 1) // 2
                if draw.textlength(word[:middle], font=font) <= width:
                    low = middle
                else:
                    high = middle - 1
            lines.append(word[:low])
            word = word[low:]
        line = word
        if len(lines) >= most:
            return lines[:most]
    if line:
        lines.append(line)
    return lines[:most]
