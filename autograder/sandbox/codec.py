"""Plain-data codec between the trusted grader and the student's worker.

A message is one JSON header plus binary blobs. Arrays travel in numpy's
``.npy`` format written and read with ``allow_pickle=False``; nothing either
side receives is ever unpickled or evaluated. What can cross:

- ``None``, ``bool``, ``int``, ``float`` (NaN and infinities too), ``str``,
  ``bytes``, ``complex``;
- ``list``, ``tuple``, ``dict``, ``set``, ``frozenset`` of these (dict keys
  may be any hashable value of these types);
- numpy arrays of a non-object dtype (subclasses arrive as plain arrays),
  numpy scalars (they arrive as numpy scalars), torch tensors (as tensors);
- references: an array the grader sent (``ref``), and a handle to an object
  that lives in the worker (``handle``); each side resolves them itself.

This module imports only the standard library and numpy: the worker loads a
copy of it inside the sandbox, where the grader's packages are unreadable.
"""

from __future__ import annotations

import io
import json
import math
import struct

import numpy as np

MAX_MESSAGE = 256 * 1024 * 1024  # bytes; a larger message is refused
# note: the JSON header is capped far lower: parsed, a header of empty lists
# takes some twenty times its size in memory
MAX_HEADER = 16 * 1024 * 1024
MAX_DEPTH = 64


class CodecError(ValueError):
    """A value cannot be encoded, or a message is malformed or too large."""


class Handle:
    """Names an object that lives in the worker (a student's optimizer)."""

    __slots__ = ("id", "type_name")

    def __init__(self, id: int, type_name: str = "object"):
        self.id = int(id)
        self.type_name = str(type_name)

    def __repr__(self) -> str:
        return f"<handle {self.id}: {self.type_name}>"


class Ref:
    """Names an array the grader sent, kept in sync on both sides."""

    __slots__ = ("id",)

    def __init__(self, id: int):
        self.id = int(id)


def _float(x: float) -> dict | float:
    return x if math.isfinite(x) else {"t": "f", "v": repr(x)}


class Encoder:
    """Turn a value into a JSON-able tree; arrays go to ``blobs``.

    ``on_object(obj)`` is called for any other value; it returns a
    :class:`Handle` or :class:`Ref`, or raises :class:`CodecError`.
    ``on_array(arr)`` may return a :class:`Ref` to send an array by reference.
    """

    def __init__(self, on_object=None, on_array=None, on_rng=None):
        self.blobs: list[bytes] = []
        self.size = 0
        self.on_object = on_object
        self.on_array = on_array
        self.on_rng = on_rng

    def encode(self, value, depth: int = 0):
        if depth > MAX_DEPTH:
            raise CodecError("value nested too deeply")
        t = type(value)
        if value is None or t is bool or t is str or t is int:
            return value
        if t is float:
            return _float(value)
        if t is complex:
            return {"t": "c", "v": [repr(value.real), repr(value.imag)]}
        if t is bytes or t is bytearray:
            return {"t": "b", "i": self._blob(bytes(value))}
        if t is list or t is tuple:
            return {
                "t": "l" if t is list else "u",
                "v": [self.encode(v, depth + 1) for v in value],
            }
        if t is set or t is frozenset:
            return {
                "t": "set" if t is set else "fz",
                "v": [self.encode(v, depth + 1) for v in value],
            }
        if t is dict:
            return {
                "t": "d",
                "v": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)]
                    for k, v in value.items()
                ],
            }
        if isinstance(value, Handle):
            return {"t": "h", "v": value.id, "n": value.type_name}
        if isinstance(value, Ref):
            return {"t": "r", "v": value.id}
        if isinstance(value, np.generic):
            return {"t": "np", "i": self._array(np.asarray(value))}
        if isinstance(value, np.ndarray):
            if self.on_array is not None:
                ref = self.on_array(value)
                if ref is not None:
                    return {"t": "r", "v": ref.id, "i": self._array(value)}
            return {"t": "a", "i": self._array(value)}
        if isinstance(value, np.random.Generator):
            rid = self.on_rng(value) if self.on_rng is not None else None
            return {
                "t": "rng",
                "r": rid,
                "s": self.encode(value.bit_generator.state, depth + 1),
            }
        torch_tensor = _torch_tensor(value)
        if torch_tensor is not None:
            return {"t": "pt", "i": self._array(torch_tensor)}
        plain = _plain(value)
        if plain is not _NO:
            return self.encode(plain, depth)
        if self.on_object is not None:
            return self.encode(self.on_object(value), depth)
        raise CodecError(f"unsupported type {type(value).__name__}")

    def _array(self, arr: np.ndarray) -> int:
        arr = np.asarray(arr)
        if type(arr) is not np.ndarray:
            arr = arr.view(np.ndarray)
        if arr.dtype.hasobject:
            raise CodecError("object arrays are not supported")
        if self.size + arr.nbytes > MAX_MESSAGE:
            raise CodecError("message too large")
        buf = io.BytesIO()
        # note: not ascontiguousarray, which turns a 0-d array into shape (1,)
        np.lib.format.write_array(buf, arr, allow_pickle=False)
        return self._blob(buf.getvalue())

    def _blob(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > MAX_MESSAGE:
            raise CodecError("message too large")
        self.blobs.append(data)
        return len(self.blobs) - 1


def _torch_tensor(value) -> np.ndarray | None:
    mod = type(value).__module__
    if not mod.startswith("torch"):
        return None
    try:
        import torch
    except ImportError:
        return None
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    return None


_NO = object()


def _plain(value):
    """Subclasses of builtin containers and scalars, as the builtin type.

    A ``Counter`` arrives as a dict, a namedtuple as a tuple; whatever a
    subclass overrides (``__eq__``, say) does not cross.
    """
    for base in (bool, int, float, str, bytes, list, tuple, dict, set, frozenset):
        if isinstance(value, base):
            if base is dict:
                return dict(dict.items(value))
            return base(value)
    return _NO


class Decoder:
    """Rebuild a value from a tree and blobs.

    ``on_handle(id, type_name)`` and ``on_ref(id, array)`` resolve references
    (each side decides what a reference means to it).
    """

    def __init__(self, blobs: list[bytes], on_handle=None, on_ref=None, on_rng=None):
        self.blobs = blobs
        self.on_handle = on_handle
        self.on_ref = on_ref
        self.on_rng = on_rng

    def decode(self, node, depth: int = 0):
        if depth > MAX_DEPTH:
            raise CodecError("value nested too deeply")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if not isinstance(node, dict) or "t" not in node:
            raise CodecError("malformed message")
        t = node["t"]
        if t == "f":
            return float(node["v"])
        if t == "c":
            return complex(float(node["v"][0]), float(node["v"][1]))
        if t == "b":
            return self._blob(node["i"])
        if t in ("l", "u", "set", "fz"):
            items = [self.decode(v, depth + 1) for v in node["v"]]
            return {"l": list, "u": tuple, "set": set, "fz": frozenset}[t](items)
        if t == "d":
            return {
                self.decode(k, depth + 1): self.decode(v, depth + 1)
                for k, v in node["v"]
            }
        if t == "np":
            return self._array(node["i"])[()]
        if t == "a":
            return self._array(node["i"])
        if t == "pt":
            import torch

            return torch.from_numpy(self._array(node["i"]))
        if t == "rng":
            gen = make_generator(self.decode(node["s"], depth + 1))
            rid = node.get("r")
            if rid is not None and self.on_rng is not None:
                return self.on_rng(int(rid), gen)
            return gen
        if t == "h":
            if self.on_handle is None:
                raise CodecError("unexpected handle")
            return self.on_handle(int(node["v"]), str(node.get("n", "object")))
        if t == "r":
            if self.on_ref is None:
                raise CodecError("unexpected reference")
            arr = self._array(node["i"]) if "i" in node else None
            return self.on_ref(int(node["v"]), arr)
        raise CodecError(f"unknown tag {t!r}")

    def _blob(self, i) -> bytes:
        if not isinstance(i, int) or not 0 <= i < len(self.blobs):
            raise CodecError("malformed message")
        return self.blobs[i]

    def _array(self, i) -> np.ndarray:
        buf = io.BytesIO(self._blob(i))
        try:
            arr = np.lib.format.read_array(buf, allow_pickle=False)
        except Exception as exc:  # a malformed .npy from the worker
            raise CodecError(f"malformed array: {exc}") from None
        return np.array(arr, copy=True)


BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


def make_generator(state) -> np.random.Generator:
    """A Generator from a bit generator's ``state`` dict (no pickling)."""
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in BIT_GENERATORS:
        raise CodecError("unsupported random generator")
    bitgen = getattr(np.random, name)()
    try:
        bitgen.state = state
    except (TypeError, ValueError, KeyError) as exc:
        raise CodecError(f"malformed generator state: {exc}") from None
    return np.random.Generator(bitgen)


def rng_state_key(gen: np.random.Generator) -> str:
    """A comparable summary of a generator's state."""
    return repr(gen.bit_generator.state)


# --------------------------------------------------------------------------
# framing: 4-byte header length, header JSON (with blob sizes), blobs


def pack(header: dict, blobs: list[bytes]) -> bytes:
    header = dict(header, blob_sizes=[len(b) for b in blobs])
    head = json.dumps(header, ensure_ascii=True, allow_nan=False).encode("ascii")
    total = len(head) + sum(len(b) for b in blobs)
    if len(head) > MAX_HEADER or total > MAX_MESSAGE:
        raise CodecError("message too large")
    return struct.pack(">I", len(head)) + head + b"".join(blobs)


def _read_exact(stream, n: int) -> bytes:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError("stream closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def unpack(stream) -> tuple[dict, list[bytes]]:
    (n,) = struct.unpack(">I", _read_exact(stream, 4))
    if n > MAX_HEADER:
        raise CodecError("message too large")
    try:
        header = json.loads(_read_exact(stream, n).decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise CodecError("malformed message") from None
    sizes = header.get("blob_sizes") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or not all(
        isinstance(s, int) and s >= 0 for s in sizes
    ):
        raise CodecError("malformed message")
    if sum(sizes) > MAX_MESSAGE:
        raise CodecError("message too large")
    return header, [_read_exact(stream, s) for s in sizes]
