"""Piper's noise drawn from the phrase itself, so a phrase always sounds the same.

A Piper (VITS) voice draws random noise twice per sentence, in two ``RandomNormalLike``
nodes with no seed: one for the durations (``/dp/RandomNormalLike``, shape ``[1, 2, P]`` for
P phoneme ids) and one for the sound (``/RandomNormalLike``, ``[1, 192, F]`` for F frames).
onnxruntime seeds them from the clock and moves on with every run, so the same phrase came
out differently in every process and depended on the phrases spoken before it: a lost cache
or another machine made every track anew, and a client's podcast app saw new episodes.

Here each of the two nodes is replaced (with onnx's own helpers, once per model, the edited
model kept beside the phrase cache) by the first values of a new 1-D input, ``noise_dp`` and
``noise_flow``, reshaped to what the node would have drawn. The caller draws that noise from
NumPy's generator seeded by a hash of the text, the voice and the rate: still standard
normal noise at the voice's own noise scales (so it sounds as before), but a function of the
phrase alone. Two extra outputs say how much noise the graph used; when the first guess of
the sound's length was short, the same generator draws the exact amount and the sentence
runs again (the first values of a longer draw are those of a shorter one, so the audio never
depends on the guess).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from walkcoach import tempfiles
from walkcoach.voice.base import Audio

__all__ = ["EDIT_VERSION", "edited_model", "phrase_seed", "speak"]

EDIT_VERSION = 1
"""The version of the edit: part of the edited model's file name and of the phrase keys."""
_NOISES = {"/dp/RandomNormalLike": "noise_dp", "/RandomNormalLike": "noise_flow"}
_NEEDED = "_needed"
_FLOW_CHANNELS = 192
_FRAMES_PER_ID = 8
"""A first guess of sound frames per phoneme id at rate 1 (measured on joe: mean 2.8, most
4.7), so a second run is rare."""


def phrase_seed(text: str, voice: str, rate: float) -> int:
    """A 64-bit seed from what is said, by which voice, how fast: the same everywhere."""
    key = "\x1f".join((voice, repr(float(rate)), text)).encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "little")


def edited_model(model: Path, cache_dir: Path | None) -> bytes | Path:
    """The voice model with its noise as inputs: the file kept in ``cache_dir`` (made on
    first use, atomically), or the edited bytes when the folder cannot be written."""
    info = model.stat()
    if cache_dir is not None:
        kept = cache_dir / f"{model.stem}.seeded{EDIT_VERSION}-{info.st_size}-" \
                           f"{info.st_mtime_ns}.onnx"
        if kept.is_file():
            return kept
    edited = _edit(model)
    if cache_dir is not None:
        with contextlib.suppress(OSError):  # not writable: edit again next time
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = tempfiles.make(cache_dir, kept.name)
            try:
                tmp.write_bytes(edited)
                os.replace(tmp, kept)
            finally:
                tmp.unlink(missing_ok=True)
            return kept
    return edited


def _edit(model: Path) -> bytes:
    """The model's bytes with each RandomNormalLike fed from a noise input (see above)."""
    import onnx
    from onnx import TensorProto, helper

    proto = onnx.load(str(model))
    graph = proto.graph
    nodes = []
    replaced = []
    for node in graph.node:
        if node.op_type != "RandomNormalLike":
            nodes.append(node)
            continue
        noise = _NOISES.get(node.name)
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if noise is None or attributes.get("dtype", 1) != 1 \
                or attributes.get("mean", 0.0) != 0.0 or attributes.get("scale", 1.0) != 1.0:
            raise ValueError(f"an unexpected random node {node.name} ({attributes})")
        nodes.extend(_from_noise(node.input[0], node.output[0], noise))
        replaced.append(noise)
    if sorted(replaced) != sorted(_NOISES.values()):
        raise ValueError(f"the voice draws its noise in an unexpected way ({replaced})")
    del graph.node[:]
    graph.node.extend(nodes)
    for noise in replaced:
        graph.input.append(helper.make_tensor_value_info(noise, TensorProto.FLOAT,
                                                         [f"{noise}_length"]))
        graph.output.append(helper.make_tensor_value_info(noise + _NEEDED, TensorProto.INT64,
                                                          [1]))
    edited: bytes = proto.SerializeToString()
    return edited


def _from_noise(like: str, out: str, noise: str) -> list[Any]:
    """Nodes making ``out`` (the shape of ``like``) of the first values of ``noise``, padded
    with zeros when too few were given (the caller then runs again with enough)."""
    from onnx import helper

    def step(op: str, inputs: list[str], name: str, **attributes: Any) -> Any:
        return helper.make_node(op, inputs, [f"/seeded/{noise}/{name}"],
                                name=f"/seeded/{noise}/{name}", **attributes)

    at = f"/seeded/{noise}"
    return [
        helper.make_node("Constant", [], [f"{at}/zero"], name=f"{at}/zero", value_ints=[0]),
        step("Shape", [like], "shape"),
        step("ReduceProd", [f"{at}/shape"], "count", keepdims=1),
        step("Slice", [noise, f"{at}/zero", f"{at}/count"], "taken"),
        step("Shape", [noise], "given"),
        step("Sub", [f"{at}/count", f"{at}/given"], "short"),
        step("Max", [f"{at}/short", f"{at}/zero"], "missing"),
        step("Concat", [f"{at}/zero", f"{at}/missing"], "pads", axis=0),
        step("Pad", [f"{at}/taken", f"{at}/pads"], "padded"),
        helper.make_node("Reshape", [f"{at}/padded", f"{at}/shape"], [out], name=f"{at}/out"),
        helper.make_node("Identity", [f"{at}/count"], [noise + _NEEDED], name=f"{at}/needed"),
    ]


def speak(session: Any, ids: list[int], *, scales: tuple[float, float, float],
          seed: tuple[int, int], speaker: int | None = None) -> Audio:
    """One sentence's raw audio from the edited model: ``scales`` are (noise, length,
    noise_w) as Piper gives them, ``seed`` the phrase's seed and the sentence's index."""
    durations, sound = np.random.SeedSequence(list(seed)).spawn(2)
    feed: dict[str, Any] = {
        "input": np.asarray(ids, dtype=np.int64)[None, :],
        "input_lengths": np.array([len(ids)], dtype=np.int64),
        "scales": np.array(scales, dtype=np.float32)}
    if speaker is not None:
        feed["sid"] = np.array([speaker], dtype=np.int64)
    dp_count = 2 * len(ids)
    flow_count = _FLOW_CHANNELS * (math.ceil(len(ids) * _FRAMES_PER_ID * max(scales[1], 1e-3))
                                   + 16)
    names = ["output", "noise_dp" + _NEEDED, "noise_flow" + _NEEDED]
    for _ in range(3):
        feed["noise_dp"] = np.random.default_rng(durations).standard_normal(
            dp_count, dtype=np.float32)
        feed["noise_flow"] = np.random.default_rng(sound).standard_normal(
            flow_count, dtype=np.float32)
        audio, dp_needed, flow_needed = session.run(names, feed)
        if int(dp_needed[0]) <= dp_count and int(flow_needed[0]) <= flow_count:
            samples: Audio = np.asarray(audio, dtype=np.float32).reshape(-1)
            return samples
        dp_count = max(dp_count, int(dp_needed[0]))
        flow_count = max(flow_count, int(flow_needed[0]))
    raise RuntimeError("the voice's noise did not settle")  # durations use noise_dp alone
