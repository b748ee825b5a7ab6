"""MP3 in-process: LAME on one core, an "Info" frame for exact length, ID3v2.3 tags.

Used by batch workers held to one core (walkcoach.cores): LAME (the lameenc package) encodes
in this process, so a track costs one core's work, where ffmpeg's threaded pipeline spends a
third more CPU handing frames between its threads (faster alone, slower when every core is
busy).
lameenc writes no "Info" frame, so this module does, as LAME and ffmpeg do: it tells players
the encoder delay and padding, so the file decodes to exactly the samples given (cues stay
on time) and reports its true duration. Tags are written by mutagen.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable, Mapping
from typing import BinaryIO

import lameenc
from mutagen.id3 import ID3, TALB, TCON, TIT2, TPE1, TXXX, Frame

from walkcoach.errors import ExportError
from walkcoach.pcm import OUTPUT_RATE, Audio, to_pcm16

BITRATE_KBPS = 96
QUALITY = 3  # LAME's own default trade-off (what ffmpeg's libmp3lame uses too)
ENCODER_DELAY = 576  # samples LAME puts before the first one given
SAMPLES_PER_FRAME = 1152


def _frame_bytes(kbps: int, *, padded: bool = False) -> int:
    """The length of one MPEG-1 Layer III frame at 44.1 kHz."""
    return 144_000 * kbps // OUTPUT_RATE + padded


_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # MPEG-1 L3
_HEADER = bytes((0xFF, 0xFB, _BITRATES.index(BITRATE_KBPS) << 4, 0xC4))  # 44.1 kHz, mono
_FRAME_BYTES = _frame_bytes(BITRATE_KBPS)  # unpadded: the Info frame's size
_SIDE_INFO = 17  # MPEG-1 mono
_TEXT_FRAMES: dict[str, type[Frame]] = {"title": TIT2, "artist": TPE1, "album": TALB,
                                        "genre": TCON}


def write(chunks: Iterable[Audio], file: BinaryIO, tags: Mapping[str, str] | None = None
          ) -> None:
    """Encode mono float samples at 44.1 kHz into ``file`` (opened for writing, seekable)."""
    file.write(id3_tag(tags or {}))
    info_at = file.tell()
    file.write(bytes(_FRAME_BYTES))  # the Info frame, filled in once the counts are known
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(OUTPUT_RATE)
    encoder.set_out_sample_rate(OUTPUT_RATE)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    frames = FrameCounter()
    samples = 0
    try:
        for chunk in chunks:
            samples += chunk.size
            data = encoder.encode(to_pcm16(chunk).tobytes())
            frames.feed(data)
            file.write(data)
        data = encoder.flush()
    except RuntimeError as exc:  # lameenc's only error
        raise ExportError(f"the MP3 encoder failed: {exc}") from exc
    frames.feed(data)
    file.write(data)
    padding = frames.count * SAMPLES_PER_FRAME - samples - ENCODER_DELAY
    if not 0 <= padding < 4096:
        raise ExportError(f"the MP3 encoder returned {frames.count} frames for {samples} samples")
    file.seek(info_at)
    file.write(info_frame(frames=frames.count, size=_FRAME_BYTES + frames.size,
                          padding=padding))
    file.seek(0, io.SEEK_END)


def id3_tag(tags: Mapping[str, str]) -> bytes:
    """An ID3v2.3 tag (the version every player reads) holding ``tags``."""
    tag = ID3()
    for key, value in tags.items():
        frame = _TEXT_FRAMES.get(key)
        tag.add(frame(encoding=3, text=value) if frame else
                TXXX(encoding=3, desc=key, text=value))
    out = io.BytesIO()
    tag.save(out, v2_version=3)
    return out.getvalue()


class FrameCounter:
    """Counts the frames and bytes of an MP3 stream as it is produced, piece by piece."""

    def __init__(self) -> None:
        self.count = 0
        self.size = 0
        self._into = 0  # where the next frame header starts, from the start of the next piece
        self._carry = b""  # the start of a header cut by the end of the last piece

    def feed(self, data: bytes) -> None:
        """Take the next piece of the stream."""
        self.size += len(data)
        buf = self._carry + data if self._carry else data
        at = self._into
        while at + 4 <= len(buf):
            if buf[at] != 0xFF or buf[at + 1] & 0xE0 != 0xE0:
                raise ExportError("the MP3 encoder produced a damaged stream")
            at += _frame_bytes(_BITRATES[buf[at + 2] >> 4], padded=bool(buf[at + 2] & 2))
            self.count += 1
        self._carry = bytes(buf[at:]) if at < len(buf) else b""
        self._into = 0 if at < len(buf) else at - len(buf)


def info_frame(*, frames: int, size: int, padding: int) -> bytes:
    """The "Info" frame of a constant-bitrate stream, with LAME's extension.

    ``frames`` counts the audio frames after it, ``size`` the bytes from its start to the end
    of the stream; the delay and ``padding`` (in samples) let a decoder trim the stream to the
    exact samples encoded.
    """
    toc = bytes(i * 256 // 100 for i in range(100))
    xing = b"Info" + struct.pack(">IIII", 0x0F, frames, size, 0)[:12] + toc + bytes(4)
    delay_padding = (ENCODER_DELAY << 12 | padding).to_bytes(3, "big")
    lame = (b"LAME3.100" + bytes((0x01, 0)) + bytes(4) + bytes(4) + bytes((0, BITRATE_KBPS))
            + delay_padding + bytes(4) + struct.pack(">I", size) + bytes(2))
    head = _HEADER + bytes(_SIDE_INFO) + xing + lame
    frame = bytearray(head + bytes(_FRAME_BYTES - len(head)))
    # The tag's checksum covers the frame's first 190 bytes with the checksum itself zero,
    # as ffmpeg writes and reads it.
    frame[len(head):len(head) + 2] = struct.pack(">H", _crc16(bytes(frame[:190])))
    return bytes(frame)


def _crc16(data: bytes) -> int:
    """CRC-16 (ANSI/IBM, reflected): the checksum of LAME's tag."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
