"""The student's side of trusted grading: runs inside the sandbox.

Started as ``python worker.py IN_FD OUT_FD`` with a copy of ``codec.py``
beside it; it imports nothing of the grader's. It runs the student's cells
in one namespace, then answers requests: call a name, call or read an
attribute of an object it handed out, set an attribute. Every answer is
plain data (see ``codec``); objects travel as handles. Arrays the grader
sent are kept and sent back whenever student code changes them, so in-place
updates (an optimizer's ``step``) are seen by the grader.

Nothing this process says is trusted: the grader compares and scores.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import os
import sys
import traceback

import numpy as np

# note: started with -I, which leaves this folder off sys.path
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from codec import (  # noqa: E402
    CodecError,
    Decoder,
    Encoder,
    Handle,
    Ref,
    pack,
    rng_state_key,
    unpack,
)

del sys.path[0]

STDOUT_CAP = 16 * 1024  # characters of a cell's printed output kept


class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first ``cap`` characters."""

    def __init__(self, cap: int = STDOUT_CAP):
        self.cap = cap
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = self.cap - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self) -> str:
        tail = f"\n... [{self.dropped} more characters]" if self.dropped else ""
        return "".join(self.parts) + tail


class Worker:
    def __init__(self, rfile, wfile):
        self.rfile, self.wfile = rfile, wfile
        self.namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
        self.handles: dict[int, object] = {}
        self.handle_ids: dict[int, int] = {}
        self.next_handle = 0
        self.refs: dict[int, np.ndarray] = {}
        self.ref_ids: dict[int, int] = {}
        self.ref_digest: dict[int, bytes] = {}
        self.rngs: dict[int, np.random.Generator] = {}
        self.rng_ids: dict[int, int] = {}
        self.rng_key: dict[int, str] = {}
        self.pid = os.getpid()

    # -- references ------------------------------------------------------
    def _handle(self, obj) -> Handle:
        key = id(obj)
        if key not in self.handle_ids:
            self.next_handle += 1
            hid = self.next_handle  # never reused, even after "forget"
            self.handles[hid] = obj
            self.handle_ids[key] = hid
        return Handle(self.handle_ids[key], type(obj).__name__)

    def _on_object(self, obj):
        # Functions, classes and objects of classes the student defined
        # become handles; anything else is refused by the codec.
        if callable(obj) or getattr(type(obj), "__module__", "") == "__main__":
            return self._handle(obj)
        raise CodecError(f"unsupported type {type(obj).__name__}")

    def _on_array(self, arr):
        rid = self.ref_ids.get(id(arr))
        return Ref(rid) if rid is not None and self.refs.get(rid) is arr else None

    def _on_ref(self, rid: int, arr):
        if arr is None:
            return self.refs[rid]
        self.refs[rid] = arr
        self.ref_ids[id(arr)] = rid
        self.ref_digest[rid] = _digest(arr)
        return arr

    def _on_rng_in(self, rid: int, gen):
        self.rngs[rid] = gen
        self.rng_ids[id(gen)] = rid
        self.rng_key[rid] = rng_state_key(gen)
        return gen

    def _on_rng_out(self, gen):
        rid = self.rng_ids.get(id(gen))
        return rid if rid is not None and self.rngs.get(rid) is gen else None

    def _encoder(self) -> Encoder:
        return Encoder(
            on_object=self._on_object, on_array=self._on_array, on_rng=self._on_rng_out
        )

    def _on_handle(self, hid: int, _type_name: str):
        if hid not in self.handles:
            raise CodecError("unknown handle")
        return self.handles[hid]

    # -- protocol ----------------------------------------------------------
    def reply(self, nonce: str, ok: bool, value=None, error=None, extra=None):
        if os.getpid() != self.pid:
            os._exit(0)  # a child the student forked never speaks for the worker
        enc = self._encoder()
        header = {"nonce": nonce, "ok": ok}
        if ok:
            try:
                header["value"] = enc.encode(value)
            except CodecError as exc:
                enc = self._encoder()
                header = {"nonce": nonce, "ok": False}
                kind = "too-large" if "too large" in str(exc) else "unsupported"
                error = {"type": "CodecError", "message": str(exc), "kind": kind}
            except Exception as exc:  # a student's __iter__, __len__, ...
                enc = self._encoder()
                header = {"nonce": nonce, "ok": False}
                error = _error(exc)
        if not header["ok"]:
            header["error"] = error
        changed = []
        for rid, arr in self.refs.items():
            digest = _digest(arr)
            if digest != self.ref_digest[rid]:
                self.ref_digest[rid] = digest
                changed.append([rid, enc._array(arr)])
        header["refs"] = changed
        header["rngs"] = []
        for rid, gen in self.rngs.items():
            key = rng_state_key(gen)
            if key != self.rng_key[rid]:
                self.rng_key[rid] = key
                header["rngs"].append([rid, enc.encode(gen.bit_generator.state)])
        header.update(extra or {})
        try:
            data = pack(header, enc.blobs)
        except (CodecError, ValueError, RecursionError):
            # a value too large (or too odd) for the protocol: say so instead
            data = pack(
                {
                    "nonce": nonce,
                    "ok": False,
                    "refs": [],
                    "rngs": [],
                    "error": {
                        "type": "CodecError",
                        "message": "message too large",
                        "kind": "too-large",
                    },
                },
                [],
            )
        self.wfile.write(data)
        self.wfile.flush()

    def serve(self) -> None:
        while True:
            if os.getpid() != self.pid:
                os._exit(0)
            _reap()
            try:
                header, blobs = unpack(self.rfile)
            except EOFError:
                return
            nonce = str(header.get("nonce", ""))
            op = header.get("op")
            out = CappedWriter()
            try:
                dec = Decoder(
                    blobs,
                    on_handle=self._on_handle,
                    on_ref=self._on_ref,
                    on_rng=self._on_rng_in,
                )
                if op == "exec":
                    self.run_cell(nonce, header["code"], header["label"], out)
                    continue
                args = dec.decode(header.get("args", {"t": "l", "v": []}))
                kwargs = dec.decode(header.get("kwargs", {"t": "d", "v": []}))
                sys.stdout = sys.stderr = out
                try:
                    with np.errstate(**_errstate(header.get("errstate"))):
                        value = self.dispatch(op, header, dec, args, kwargs)
                finally:
                    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            except BaseException as exc:  # noqa: BLE001 -- report everything
                sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
                self.reply(nonce, False, error=_error(exc))
                continue
            self.reply(nonce, True, value)

    def dispatch(self, op, header, dec, args, kwargs):
        if op == "call":
            target = header["target"]
            if isinstance(target, str):
                if target not in self.namespace:
                    raise _Missing(target)
                func = self.namespace[target]
            else:
                func = self._on_handle(int(target), "")
            return func(*args, **kwargs)
        if op == "getattr":
            return getattr(self._on_handle(int(header["target"]), ""), header["name"])
        if op == "setattr":
            obj = self._on_handle(int(header["target"]), "")
            setattr(obj, header["name"], args[0])
            return None
        if op == "ping":
            return "pong"
        if op == "forget":
            for table in (
                self.refs,
                self.ref_ids,
                self.ref_digest,
                self.rngs,
                self.rng_ids,
                self.rng_key,
                self.handles,
                self.handle_ids,
            ):
                table.clear()
            return None
        raise ValueError(f"unknown op {op!r}")

    def run_cell(self, nonce: str, code: str, label: str, out: CappedWriter) -> None:
        sys.stdout = sys.stderr = out
        error = None
        try:
            exec(compile(code, label, "exec"), self.namespace)
        except BaseException as exc:  # noqa: BLE001 -- SystemExit too
            error = _error(exc)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        self.reply(
            nonce, True, None, extra={"cell_error": error, "stdout": out.getvalue()}
        )


def _reap() -> None:
    """Collect children the student forked that have exited.

    Unreaped, they stay zombies and count against the worker's process cap.
    """
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _errstate(requested) -> dict:
    """The grader's floating-point error handling, validated."""
    if not isinstance(requested, dict):
        return {}
    return {
        k: v
        for k, v in requested.items()
        if k in ("divide", "over", "under", "invalid")
        and v in ("ignore", "warn", "raise", "print")
    }


class _Missing(Exception):
    pass


def _digest(arr: np.ndarray) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    h.update(str((arr.shape, arr.dtype.str)).encode())
    h.update(np.ascontiguousarray(arr).view(np.uint8).tobytes() if arr.size else b"")
    return h.digest()


def _error(exc: BaseException) -> dict:
    if isinstance(exc, _Missing):
        return {"type": "NameError", "message": str(exc), "kind": "missing"}
    kind = "raised"
    if isinstance(exc, MemoryError):
        kind = "memory"
    elif isinstance(exc, CodecError):
        kind = "unsupported"
    frames = [
        f"{f.filename}:{f.lineno}"
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith("<cell")
    ]
    try:
        message = str(exc)
    except Exception:  # a student's exception whose __str__ raises
        message = ""
    return {
        "type": type(exc).__name__,
        "builtin": type(exc).__module__ == "builtins",
        "message": message[:500],
        "where": frames[-1] if frames else "",
        "kind": kind,
    }


def main() -> None:
    in_fd, out_fd = int(sys.argv[1]), int(sys.argv[2])
    rfile = os.fdopen(in_fd, "rb", buffering=0)
    wfile = os.fdopen(out_fd, "wb")
    # Student code must not read the protocol: stdin is /dev/null.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    Worker(rfile, wfile).serve()


if __name__ == "__main__":
    main()
