"""MP3 in-process: LAME over the speech, empty frames over the silence, exact length, tags.

Every MP3 walkcoach writes comes from here. LAME (the lameenc package) encodes the stretches
of sound, each with its own encoder; a long run of silence between cues becomes frames that
carry no data, so a track costs about what its speech costs (see _Stream).
Those silent frames are the smallest MPEG-1 frames (32 kbps) while the sound keeps LAME's
96 kbps, so the stream has a variable bitrate and a track costs about 0.35 MB a minute
instead of 0.72. lameenc writes no header frame, so this module does, as LAME does for a
variable bitrate: a "Xing" frame with the frame count, byte count and a seek table, and
LAME's tag with the encoder delay and padding, so the file decodes to exactly the samples
given (cues stay on time), reports its true duration and seeks. The ID3 tag is walkcoach.encode.id3.
"""

from __future__ import annotations

import array
import io
import struct
from collections.abc import Iterable, Mapping, Sequence
from typing import BinaryIO

import lameenc
import numpy as np
from numpy.typing import NDArray

from walkcoach.audio.pcm import OUTPUT_RATE, Audio, stretches, to_pcm16
from walkcoach.encode.id3 import id3_tag
from walkcoach.encode.lanes import Lane, Ordered
from walkcoach.errors import ExportError
from walkcoach.plan.model import Chapter

BITRATE_KBPS = 96  # every frame with sound in it
SILENT_KBPS = 32  # the frames over silence: the smallest MPEG-1 Layer III frame
QUALITY = 3  # LAME's own default trade-off (what ffmpeg's libmp3lame uses too)
ENCODER_DELAY = 576  # samples LAME puts before the first one given
DECODER_DELAY = 529  # samples a decoder's filter bank holds back (it trims them at the start)
SAMPLES_PER_FRAME = 1152
SPLIT_GAP = 16 * SAMPLES_PER_FRAME  # a run of zeros this long is silent frames, not LAME's
_LEAD = SAMPLES_PER_FRAME  # zeros a new encoder starts with before its sound


def _frame_bytes(kbps: int, *, padded: bool = False) -> int:
    """The length of one MPEG-1 Layer III frame at 44.1 kHz."""
    return 144_000 * kbps // OUTPUT_RATE + padded


_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # MPEG-1 L3


def _header(kbps: int) -> bytes:
    """An unpadded frame header: MPEG-1 Layer III, 44.1 kHz, mono, no CRC."""
    return bytes((0xFF, 0xFB, _BITRATES.index(kbps) << 4, 0xC4))


_HEADER = _header(BITRATE_KBPS)  # the header frame's
_FRAME_BYTES = _frame_bytes(BITRATE_KBPS)  # unpadded: the header frame's size
_SIDE_INFO = 17  # MPEG-1 mono
_SILENT_FRAME = _header(SILENT_KBPS) + bytes(_frame_bytes(SILENT_KBPS) - 4)
"""A frame that carries no data: the header, then all-zero side info and main data."""
def write(chunks: Iterable[Audio], file: BinaryIO, tags: Mapping[str, str] | None = None, *,
          cover: bytes | None = None, chapters: Sequence[Chapter] = ()) -> None:
    """Encode mono float samples at 44.1 kHz into ``file`` (opened for writing, seekable),
    after an ID3 tag with ``tags``, the ``cover`` image and the ``chapters``."""
    file.write(id3_tag(tags or {}, cover=cover, chapters=chapters))
    info_at = file.tell()
    file.write(bytes(_FRAME_BYTES))  # the header frame, filled in once the counts are known
    stream = _Stream(file)
    try:
        for chunk in chunks:
            stream.add(chunk)
        stream.close()
    except RuntimeError as exc:  # lameenc's only error
        raise ExportError(f"the MP3 encoder failed: {exc}") from exc
    finally:
        stream.abandon()  # after close(), nothing is left to stop
    frames = stream.frames
    padding = frames.count * SAMPLES_PER_FRAME - stream.samples - ENCODER_DELAY
    if not DECODER_DELAY <= padding < 4096:
        raise ExportError(f"the MP3 encoder returned {frames.count} frames for "
                          f"{stream.samples} samples")
    size = _FRAME_BYTES + frames.size
    file.seek(info_at)
    file.write(info_frame(frames=frames.count, size=size, padding=padding,
                          toc=seek_table(frames.offsets, lead=_FRAME_BYTES, size=size)))
    file.seek(0, io.SEEK_END)


class _Stream:
    """LAME over the sound, ready-made silent frames over long runs of digital silence.

    A coaching track is mostly silence between cues, and LAME spends a third as long on a
    second of silence as on a second of speech. So each stretch of sound gets its own encoder,
    and a run of at least SPLIT_GAP zeros between two stretches becomes frames that carry no
    data (all-zero side info, main_data_begin 0): a decoder adds nothing of its own for them,
    only the fading overlap of the frame before, and then outputs zeros.

    Sample-exact: the stream keeps one delay, set by its start. A fresh encoder started on a
    frame boundary ``f * 1152`` decodes there exactly as if one encoder had run from the
    start: its 576 samples of priming and the decoder's 529 of delay stand for the 1105 input
    samples before that boundary, which are zeros, because a flushed encoder's frames reach at
    least 1152 samples past its last sound. SPLIT_GAP leaves room for that and for _LEAD
    zeros before the next sound. Every encoder's first frame refers to no earlier bytes
    (main_data_begin 0), so no frame reaches across a join. So the stretches are encoded side
    by side, on every core, and written in order (walkcoach.encode.lanes).
    """

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.frames = FrameCounter()
        self.samples = 0  # samples taken so far
        self._fed = 0  # every sample before this one is encoded or stood for by frames
        self._lane: Lane | None = None
        self._out = Ordered(self._write, self._write_silence, lambda: self.frames.count)

    def add(self, chunk: Audio) -> None:
        """Take the next samples (an all-silent chunk is not even converted to 16-bit)."""
        base = self.samples
        self.samples += chunk.size
        if not chunk.any():
            return
        pcm = to_pcm16(chunk)
        for start, end in stretches(pcm, SPLIT_GAP):  # the zeros between are a long run
            self._sound(base + start, pcm[start:end])
        self._out.drain()

    def close(self) -> None:
        """End the stream: it stands for every sample taken, with room for the decoder."""
        if self._lane is not None:
            if self.samples - self._fed < SPLIT_GAP:
                self._lane.put(np.zeros(self.samples - self._fed, np.int16))
            self._end_lane()
        needed = -(-(self.samples + ENCODER_DELAY + DECODER_DELAY) // SAMPLES_PER_FRAME)
        needed = max(needed, 2)  # as LAME does: players look for two frames in a row
        self._out.silence_until(needed, exact=False)
        self._out.close()

    def abandon(self) -> None:
        """Stop at once (an error or Ctrl-C): the encoding threads end, nothing more is written."""
        self._out.shutdown()

    def _sound(self, at: int, pcm: NDArray[np.int16]) -> None:
        """Encode ``pcm``, which starts at sample ``at``; zeros lie between here and there.

        A new stretch starts on the frame boundary before ``at`` less _LEAD: the stretch
        before it ends at least SPLIT_GAP zeros earlier, and its frames reach at most a few
        frames past its last sound, so they end before that boundary (checked as written).
        """
        if self._lane is not None and at - self._fed >= SPLIT_GAP:
            self._end_lane()
        if self._lane is None:
            first = max(0, (at - _LEAD) // SAMPLES_PER_FRAME)
            self._out.silence_until(first)
            self._lane = self._out.lane(_lame)
            self._fed = first * SAMPLES_PER_FRAME
        self._lane.put(np.zeros(at - self._fed, np.int16))
        self._lane.put(pcm)
        self._fed = at + pcm.size

    def _end_lane(self) -> None:
        assert self._lane is not None
        self._out.end(self._lane)
        self._lane = None

    def _write(self, data: bytes) -> None:
        self.frames.feed(data)
        self.file.write(data)

    def _write_silence(self, frames: int) -> None:
        if frames > 0:
            self.frames.feed_repeated(_SILENT_FRAME, frames)
            self.file.write(_SILENT_FRAME * frames)


def _lame() -> lameenc.Encoder:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(OUTPUT_RATE)
    encoder.set_out_sample_rate(OUTPUT_RATE)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    return encoder


class FrameCounter:
    """Counts the frames and bytes of an MP3 stream as it is produced, piece by piece."""

    def __init__(self) -> None:
        self.count = 0
        self.size = 0
        self.offsets = array.array("q")  # where each frame starts, from the stream's start
        self._into = 0  # where the next frame header starts, from the start of the next piece
        self._carry = b""  # the start of a header cut by the end of the last piece

    def feed_repeated(self, frame: bytes, times: int) -> None:
        """Take ``frame`` (one whole frame, walkcoach's own) ``times`` over: counted without
        reading each (a track's silence is most of its frames)."""
        if self._carry or self._into:  # not on a frame boundary: read them as they come
            self.feed(frame * times)
            return
        self.offsets.extend(range(self.size, self.size + times * len(frame), len(frame)))
        self.count += times
        self.size += times * len(frame)

    def feed(self, data: bytes) -> None:
        """Take the next piece of the stream."""
        self.size += len(data)
        buf = self._carry + data if self._carry else data
        at = self._into
        while at + 4 <= len(buf):
            if buf[at] != 0xFF or buf[at + 1] & 0xE0 != 0xE0:
                raise ExportError("the MP3 encoder produced a damaged stream")
            self.offsets.append(self.size - len(buf) + at)
            at += _frame_bytes(_BITRATES[buf[at + 2] >> 4], padded=bool(buf[at + 2] & 2))
            self.count += 1
        self._carry = bytes(buf[at:]) if at < len(buf) else b""
        self._into = 0 if at < len(buf) else at - len(buf)


def seek_table(offsets: Sequence[int], *, lead: int, size: int) -> bytes:
    """The Xing seek table: for each percent of the duration, where its frame starts, in
    256ths of the stream's ``size`` bytes (``offsets`` of the audio frames are counted after
    the ``lead`` bytes of the header frame)."""
    count = len(offsets)
    if not count:
        return bytes(100)
    return bytes(min(255, (lead + offsets[count * i // 100]) * 256 // size) for i in range(100))


def info_frame(*, frames: int, size: int, padding: int, toc: bytes = bytes(100)) -> bytes:
    """The "Xing" header frame of a variable-bitrate stream, with LAME's extension.

    ``frames`` counts the audio frames after it, ``size`` the bytes from its start to the end
    of the stream, ``toc`` is the seek table; the delay and ``padding`` (in samples) let a
    decoder trim the stream to the exact samples encoded.
    """
    xing = b"Xing" + struct.pack(">IIII", 0x0F, frames, size, 0)[:12] + toc + bytes(4)
    delay_padding = (ENCODER_DELAY << 12 | padding).to_bytes(3, "big")
    # Revision 0, VBR method 4 (as LAME's own variable-bitrate files), then the lowest bitrate.
    lame = (b"LAME3.100" + bytes((0x04, 0)) + bytes(4) + bytes(4) + bytes((0, SILENT_KBPS))
            + delay_padding + bytes(4) + struct.pack(">I", size) + bytes(2))
    head = _HEADER + bytes(_SIDE_INFO) + xing + lame
    frame = bytearray(head + bytes(_FRAME_BYTES - len(head)))
    # The tag's checksum covers every byte of the frame before it: 175 in a mono frame (the
    # 190 often quoted is a stereo frame's, whose side info is 15 bytes longer). LAME and
    # ffmpeg's reader check this span; they ignore the encoder name and gains otherwise.
    frame[len(head):len(head) + 2] = struct.pack(">H", _crc16(head))
    return bytes(frame)


def _crc16(data: bytes) -> int:
    """CRC-16 (ANSI/IBM, reflected): the checksum of LAME's tag."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
