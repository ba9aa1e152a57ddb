"""The trusted side of the worker: start it sandboxed, talk to it, survive it.

:class:`WorkerSession` owns one worker process. It starts the worker under
bubblewrap where that exists (no network, read-only system, the grader's
files hidden, a private writable ``/tmp``) and always with resource limits
(address space, CPU time, file size) and a clean environment; it runs the
student's cells, then relays calls from the graders. Whatever goes wrong in
the worker — a timeout, a crash, memory, a value the codec refuses — comes
back as a :class:`WorkerFault` with a reason a student can read, and the
next test starts a fresh worker that replays the cells.
"""

from __future__ import annotations

import logging
import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.sandbox import codec
from autograder.sandbox.codec import CodecError, Decoder, Encoder, Handle, Ref

log = logging.getLogger("autograder.sandbox")

HERE = Path(__file__).resolve().parent


class WorkerFault(BaseException):
    """The worker failed in a way that is the submission's fault.

    A ``BaseException`` so that a grader's ``except Exception`` cannot
    swallow it: the harness scores the test 0 with this reason.
    """


class WorkerStartError(RuntimeError):
    """The worker could not start: the grading machine's fault, not a student's."""


class StudentError(Exception):
    """An exception the student's code raised that is not a builtin one."""


@dataclass
class Limits:
    test_timeout: float = 10.0  # seconds per hidden test
    cell_timeout: float = 60.0  # seconds per notebook cell
    memory: int = 2 * 1024**3  # bytes of address space
    cpu: int = 900  # seconds of CPU time for the worker's life
    file_size: int = 64 * 1024**2  # bytes per file the worker writes
    submission: float = 300.0  # seconds of worker time for one whole submission

    def memory_text(self) -> str:
        gib = self.memory / 1024**3
        return f"{gib:g} GiB" if gib >= 1 else f"{self.memory // 1024**2} MiB"


@dataclass
class CellOutcome:
    index: int
    label: str
    status: str  # ok | error | timeout | crashed
    error: str = ""
    stdout: str = ""


@dataclass
class Isolation:
    kind: str  # "bubblewrap" or "rlimits"
    note: str
    cgroup: bool = False  # one memory limit and a process cap for all processes


def _bwrap_works(flags: list[str]) -> bool:
    try:
        proc = subprocess.run(
            ["bwrap", *flags, "--ro-bind", "/", "/", "--", "true"],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


_ISOLATION_FLAGS: list[str] | None = None


def bwrap_flags() -> list[str] | None:
    """The namespace flags this machine's bubblewrap accepts, or None."""
    global _ISOLATION_FLAGS
    if _ISOLATION_FLAGS is None:
        _ISOLATION_FLAGS = []
        if shutil.which("bwrap") and os.environ.get("COURSE_SANDBOX") != "rlimits":
            # note: as root, bubblewrap keeps every capability inside the
            # sandbox unless told otherwise, and student code could then
            # unmount what hides the grader's files: drop them all
            for flags in (
                [
                    "--unshare-all",
                    "--die-with-parent",
                    "--new-session",
                    "--cap-drop",
                    "ALL",
                ],
                [
                    "--unshare-net",
                    "--unshare-pid",
                    "--unshare-ipc",
                    "--die-with-parent",
                    "--cap-drop",
                    "ALL",
                ],
            ):
                if _bwrap_works(flags):
                    _ISOLATION_FLAGS = flags
                    break
    return _ISOLATION_FLAGS or None


CGROUP_V1 = Path("/sys/fs/cgroup")


class CgroupLimits:
    """Memory and process-count limits for all of a worker's processes.

    ``RLIMIT_AS`` bounds one process; a student who forks gets the limit
    again in every child. Where cgroup v1 ``memory`` and ``pids``
    hierarchies are writable (as root in many containers), the worker and
    everything it starts share one memory limit and a process cap. Where
    they are not, only the per-process limits apply (said in the result).
    """

    def __init__(self, memory: int, pids: int = 64):
        self.dirs: list[Path] = []
        name = f"course-worker-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            mem, pid = CGROUP_V1 / "memory" / name, CGROUP_V1 / "pids" / name
            mem.mkdir()
            self.dirs.append(mem)
            (mem / "memory.limit_in_bytes").write_text(str(memory))
            pid.mkdir()
            self.dirs.append(pid)
            (pid / "pids.max").write_text(str(pids))
        except OSError:
            self.remove()

    @property
    def active(self) -> bool:
        return len(self.dirs) == 2

    def enter(self) -> None:
        """Move the calling process in (runs in the child before exec)."""
        for d in self.dirs:
            (d / "cgroup.procs").write_text(str(os.getpid()))

    def hit_memory_limit(self) -> bool:
        try:
            return int((self.dirs[0] / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError, IndexError):
            return False

    def remove(self) -> None:
        for d in self.dirs:
            for _ in range(50):  # the killed processes take a moment to go
                try:
                    d.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)
        self.dirs = []


def _grader_packages() -> list[Path]:
    import autograder
    import solutions

    return [
        Path(autograder.__file__).resolve().parent,
        Path(solutions.__file__).resolve().parent,
    ]


def _hidden_paths(extra: list[Path]) -> list[Path]:
    """Folders the worker must not read: grader code, solutions, the class."""
    paths = [
        _grader_packages()[0].parent,  # the checkout, with tests/ and source/
        *_grader_packages(),
        Path("/root"),
        Path("/home"),
        *extra,
    ]
    out = []
    for p in paths:
        p = p.resolve()
        if p.exists() and p not in out and p != Path("/"):
            out.append(p)
    return out


def _visible_paths() -> list[Path]:
    """What the worker needs back from inside hidden folders."""
    import course

    return [
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),  # a venv's interpreter lives here
        Path(course.__file__).resolve().parent,
    ]


def _within(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _worker_env() -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/.mpl",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    # note: kept because some processors need them for correct BLAS results
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class WorkerSession:
    """One student's worker: cells in, calls relayed, faults as reasons."""

    def __init__(
        self,
        cells: list[tuple[str, str]],
        limits: Limits | None = None,
        hide: list[Path] | None = None,
    ):
        self.cells = cells  # (label, code) in order
        self.limits = limits or Limits()
        self.hide = hide or []
        self.proc: subprocess.Popen | None = None
        self.tmp: Path | None = None
        self.skip: set[int] = set()
        self.outcomes: dict[int, CellOutcome] = {}
        self.generation = 0
        self.budget: float | None = None  # worker seconds left in this test
        self.fault: WorkerFault | None = None
        self.refs: dict[int, np.ndarray] = {}
        self.ref_ids: dict[int, int] = {}
        self.rngs: dict[int, np.random.Generator] = {}
        self.rng_ids: dict[int, int] = {}
        self.restarts = 0
        self.spent = 0.0  # seconds waited on the worker, over all its lives
        self.cgroup: CgroupLimits | None = None
        flags = bwrap_flags()
        self.isolation = Isolation(
            kind="bubblewrap" if flags else "rlimits",
            note=(
                "bubblewrap: no network, read-only system, grader files hidden"
                if flags
                else "bubblewrap not available: resource limits and a clean "
                "environment only; the worker can read files the grader can read"
            ),
        )

    # -- process -----------------------------------------------------------
    def _command(self, in_fd: int, out_fd: int) -> list[str]:
        worker = [
            sys.executable,
            "-I",
            "/tmp/.worker/worker.py",
            str(in_fd),
            str(out_fd),
        ]
        flags = bwrap_flags()
        if not flags:
            return [
                sys.executable,
                "-I",
                str(self.tmp / ".worker" / "worker.py"),
                str(in_fd),
                str(out_fd),
            ]
        cmd = [
            "bwrap",
            *flags,
            "--ro-bind",
            "/",
            "/",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
        ]
        # note: /tmp first, so that a checkout or venv that lives under /tmp
        # is hidden and re-exposed below instead of being covered by it
        cmd += ["--bind", str(self.tmp), "/tmp"]
        hidden = _hidden_paths(self.hide)
        for p in hidden:
            cmd += (
                ["--tmpfs", str(p)]
                if p.is_dir()
                else ["--ro-bind", "/dev/null", str(p)]
            )
        for p in _visible_paths():
            if any(_within(p, h) for h in hidden):
                cmd += ["--ro-bind", str(p), str(p)]
        # a re-exposed environment must not re-expose the grader's packages
        for p in _grader_packages():
            if any(_within(p, v) for v in _visible_paths()):
                cmd += ["--tmpfs", str(p)]
        cmd += ["--chdir", "/tmp/work", "--"]
        return cmd + worker

    def _limits(self) -> None:
        lim = self.limits
        resource.setrlimit(resource.RLIMIT_AS, (lim.memory, lim.memory))
        resource.setrlimit(resource.RLIMIT_CPU, (lim.cpu, lim.cpu + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (lim.file_size, lim.file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.setsid()
        if self.cgroup is not None and self.cgroup.active:
            self.cgroup.enter()

    def _spawn(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="course-worker-"))
        (self.tmp / "work").mkdir()
        (self.tmp / ".worker").mkdir()
        for name in ("worker.py", "codec.py"):
            shutil.copy(HERE / name, self.tmp / ".worker" / name)
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        cmd = self._command(to_worker_r, from_worker_w)
        self.cgroup = CgroupLimits(self.limits.memory)
        self.isolation.cgroup = self.cgroup.active
        env, cwd = _worker_env(), None
        if cmd[0] != "bwrap":  # no private /tmp: point temp files at our folder
            env.update(TMPDIR=str(self.tmp), HOME=str(self.tmp))
            env["MPLCONFIGDIR"] = str(self.tmp / ".mpl")
            cwd = self.tmp / "work"
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_worker_r, from_worker_w),
            env=env,
            cwd=cwd,
            preexec_fn=self._limits,
        )
        os.close(to_worker_r)
        os.close(from_worker_w)
        self.wfile = os.fdopen(to_worker_w, "wb")
        self.rfd = from_worker_r
        self.rbuf = bytearray()
        self.refs.clear()
        self.ref_ids.clear()
        self.rngs.clear()
        self.rng_ids.clear()
        self.generation += 1
        try:
            self._request({"op": "ping", "target": None}, [], 120.0)
        except (TimeoutError, EOFError, CodecError) as exc:
            reason = self._exit_reason()
            self.kill()
            raise WorkerStartError(
                f"the grading worker did not start ({reason}; {type(exc).__name__}); "
                "check that this environment runs `python -c 'import numpy'`"
            ) from None

    def kill(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            try:
                self.wfile.close()
            except OSError:
                pass
            os.close(self.rfd)
            self.proc = None
        if self.cgroup is not None:
            self.cgroup.remove()
        if self.tmp is not None:
            # note: not shutil.rmtree, which recurses in Python and gives up
            # on a folder chain a few thousand deep, leaving the files behind
            subprocess.run(
                ["rm", "-rf", "--one-file-system", str(self.tmp)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.tmp = None

    close = kill

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()

    # -- messages ----------------------------------------------------------
    def _read(self, n: int, deadline: float) -> bytes:
        while len(self.rbuf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.rfd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(self.rfd, 1 << 20)
            if not chunk:
                raise EOFError
            self.rbuf += chunk
        out = bytes(self.rbuf[:n])
        del self.rbuf[:n]
        return out

    def _request(
        self, header: dict, blobs: list[bytes], timeout: float
    ) -> tuple[dict, list[bytes]]:
        nonce = secrets.token_hex(8)
        left = self.limits.submission - self.spent
        if left <= 0:
            raise TimeoutError
        started = time.monotonic()
        deadline = started + min(timeout, left)
        try:
            return self._exchange(header, blobs, nonce, deadline)
        finally:
            self.spent += time.monotonic() - started

    def _exchange(
        self, header: dict, blobs: list[bytes], nonce: str, deadline: float
    ) -> tuple[dict, list[bytes]]:
        try:
            self.wfile.write(codec.pack(dict(header, nonce=nonce), blobs))
            self.wfile.flush()
        except (BrokenPipeError, OSError):
            raise EOFError from None

        class _Stream:
            def read(_, n):
                return self._read(n, deadline)

        reply, rblobs = codec.unpack(_Stream())
        if reply.get("nonce") != nonce:
            raise CodecError("reply out of order")
        return reply, rblobs

    # -- cells -------------------------------------------------------------
    def start(self) -> None:
        """Start a worker and run the cells, skipping ones that killed it."""
        while True:
            self._spawn()
            failed = None
            for i, (label, code) in enumerate(self.cells):
                if i in self.skip:
                    continue
                if self.out_of_time():
                    self.outcomes[i] = CellOutcome(
                        i, label, "skipped", self._budget_text()
                    )
                    self.skip.add(i)
                    continue
                try:
                    reply, _ = self._request(
                        {"op": "exec", "code": code, "label": label},
                        [],
                        self.limits.cell_timeout,
                    )
                except TimeoutError:
                    failed = CellOutcome(
                        i,
                        label,
                        "timeout",
                        f"timed out after {self.limits.cell_timeout:g} s",
                    )
                    if self.out_of_time():
                        failed.error = self._budget_text()
                except (EOFError, CodecError):
                    failed = CellOutcome(i, label, "crashed", self._exit_reason())
                if failed is not None:
                    self.outcomes[i] = failed
                    self.skip.add(i)
                    break
                err = reply.get("cell_error")
                self.outcomes[i] = CellOutcome(
                    i,
                    label,
                    "error" if err else "ok",
                    _describe(err) if err else "",
                    str(reply.get("stdout", ""))[:20000],
                )
            if failed is None:
                return
            log.info(
                "cell %s: %s; restarting the worker without it",
                failed.label,
                failed.error,
            )
            self.kill()
            self.restarts += 1

    def out_of_time(self) -> bool:
        return self.spent >= self.limits.submission

    def _budget_text(self) -> str:
        return f"the submission used up its grading time ({self.limits.submission:g} s)"

    def _exit_reason(self) -> str:
        if self.cgroup is not None and self.cgroup.hit_memory_limit():
            return f"memory limit {self.limits.memory_text()} exceeded"
        if self.proc is None:
            return "worker exited"
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "worker stopped answering"
        if code > 128 and self.isolation.kind == "bubblewrap":
            code = -(code - 128)  # bubblewrap reports a killed child as 128 + signal
        if code < 0 and -code == signal.SIGXCPU:
            return "CPU time limit exceeded"
        return "worker exited" + (
            f" (signal {-code})" if code < 0 else f" (status {code})"
        )

    # -- tests -------------------------------------------------------------
    def begin_test(self) -> None:
        self.fault = None
        if self.out_of_time():
            # note: a fault, not an exception, so that every remaining test
            # scores 0 with this reason without starting the worker again
            self._fail(self._budget_text())
            self.budget = 0.0
            return
        if self.proc is None or self.proc.poll() is not None:
            self.kill()
            self.start()
        # note: the limit is on the worker's time; the grader's own work
        # (importing torch for an oracle, say) is not charged to the student
        self.budget = self.limits.test_timeout
        if self.refs or self.rngs:
            # each test starts clean: arrays and generators an earlier test
            # sent are no longer kept in sync (or re-hashed on every call)
            self.op("forget", None)
            self.refs.clear()
            self.ref_ids.clear()
            self.rngs.clear()
            self.rng_ids.clear()

    def end_test(self) -> WorkerFault | None:
        self.budget = None
        fault, self.fault = self.fault, None
        if fault is not None:
            self.kill()  # the next test gets a fresh worker
        return fault

    def _fail(self, reason: str) -> WorkerFault:
        self.fault = WorkerFault(reason)
        return self.fault

    def op(self, op: str, target, name: str | None = None, args=(), kwargs=None):
        """Relay one operation; return its decoded result."""
        if self.fault is not None:
            raise self.fault
        if self.proc is None:
            self.start()
        enc = Encoder(
            on_array=self._send_ref, on_object=self._refuse, on_rng=self._send_rng
        )
        header = {
            "op": op,
            "target": target,
            "name": name,
            "args": enc.encode(list(args)),
            "kwargs": enc.encode(dict(kwargs or {})),
            # a grader's np.errstate(over="raise") applies to the call too
            "errstate": np.geterr(),
        }
        timeout = self.budget if self.budget is not None else self.limits.test_timeout
        generation = self.generation
        started = time.monotonic()
        try:
            try:
                reply, blobs = self._request(header, enc.blobs, max(timeout, 0.0))
            finally:
                if self.budget is not None:
                    self.budget -= time.monotonic() - started
            dec = Decoder(
                blobs,
                on_handle=lambda h, t: RemoteObject(self, h, t, generation),
                on_ref=self._recv_ref,
                on_rng=self._recv_rng,
            )
            for rid, index in reply.get("refs", []):
                self._recv_ref(int(rid), dec._array(index))
            for rid, state in reply.get("rngs", []):
                self._recv_rng(int(rid), codec.make_generator(dec.decode(state)))
            if reply.get("ok"):
                return dec.decode(reply.get("value"))
        except TimeoutError:
            if self.out_of_time():
                raise self._fail(self._budget_text()) from None
            raise self._fail(
                f"timed out after {self.limits.test_timeout:g} s"
            ) from None
        except EOFError:
            raise self._fail(self._exit_reason()) from None
        except CodecError as exc:
            raise self._fail(f"the worker sent a malformed reply ({exc})") from None
        raise self._student_error(reply.get("error") or {})

    def _student_error(self, err: dict) -> BaseException:
        kind = err.get("kind")
        if kind == "memory":
            return self._fail(f"memory limit {self.limits.memory_text()} exceeded")
        if kind == "too-large":
            return self._fail("returned too much data")
        if kind == "unsupported":
            what = str(err.get("message", "")).removeprefix("unsupported type ")
            return self._fail(f"returned an unsupported type ({what})")
        if kind == "missing":
            from course.selfcheck import MissingDefinition

            return MissingDefinition(
                f"`{err.get('message')}` is not defined; run the cell that defines it"
            )
        name, message = str(err.get("type", "Exception")), str(err.get("message", ""))
        cls = getattr(__import__("builtins"), name, None)
        if (
            err.get("builtin")
            and isinstance(cls, type)
            and issubclass(cls, Exception)
            and cls.__module__ == "builtins"
        ):
            try:
                return cls(message)
            except Exception:
                pass
        return StudentError(f"{name}: {message}" if message else name)

    def _refuse(self, obj):
        if isinstance(obj, RemoteObject):
            if obj._generation != self.generation:
                raise self._fail("an object from before a worker restart was used")
            return Handle(obj._id, obj._type)
        raise CodecError(f"graders may only send plain data, not {type(obj).__name__}")

    def _send_ref(self, arr: np.ndarray):
        rid = self.ref_ids.get(id(arr))
        if rid is None or self.refs.get(rid) is not arr:
            rid = len(self.refs) + 1
            self.refs[rid] = arr
            self.ref_ids[id(arr)] = rid
        return Ref(rid)

    def _send_rng(self, gen: np.random.Generator) -> int:
        rid = self.rng_ids.get(id(gen))
        if rid is None or self.rngs.get(rid) is not gen:
            rid = len(self.rngs) + 1
            self.rngs[rid] = gen
            self.rng_ids[id(gen)] = rid
        return rid

    def _recv_rng(self, rid: int, gen: np.random.Generator):
        """Advance the grader's generator as far as the student's went."""
        orig = self.rngs.get(rid)
        if orig is None:
            return gen
        if type(orig.bit_generator) is type(gen.bit_generator):
            orig.bit_generator.state = gen.bit_generator.state
        return orig

    def _recv_ref(self, rid: int, arr):
        orig = self.refs.get(rid)
        if orig is None:
            raise CodecError("unknown array reference")
        if arr is not None and arr.shape == orig.shape and orig.flags.writeable:
            try:
                orig[...] = arr.astype(orig.dtype, copy=False)
            except (TypeError, ValueError):
                pass
        return orig


def _describe(err) -> str:
    """One line about a student's error, whatever the worker sent."""
    if not isinstance(err, dict):
        return "error"
    text = f"{err.get('type', 'Error')}: {err.get('message', '')}".rstrip(": ")
    if err.get("where"):
        text += f" ({err['where']})"
    return text[:300]


class RemoteObject:
    """An object living in the worker; attribute reads and calls are relayed."""

    __slots__ = ("_session", "_id", "_type", "_generation")

    def __init__(
        self, session: WorkerSession, hid: int, type_name: str, generation: int
    ):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_id", hid)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_generation", generation)

    def _check(self):
        if self._generation != self._session.generation:
            raise self._session._fail("an object from before a worker restart was used")

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        self._check()
        return self._session.op("getattr", self._id, name)

    def __setattr__(self, name: str, value) -> None:
        self._check()
        self._session.op("setattr", self._id, name, args=(value,))

    def __call__(self, *args, **kwargs):
        self._check()
        return self._session.op("call", self._id, args=args, kwargs=kwargs)

    def __repr__(self) -> str:
        return f"<student {self._type}>"


class WorkerStudent:
    """The ``student`` object over a worker: ``student.name(...)`` is relayed."""

    def __init__(self, session: WorkerSession):
        object.__setattr__(self, "_session", session)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        session = self._session

        def call(*args, **kwargs):
            return session.op("call", name, args=args, kwargs=kwargs)

        call.__name__ = name
        return call

    def __setattr__(self, name, value):
        raise AttributeError("the student object is read-only")

    def begin_test(self) -> None:
        self._session.begin_test()

    def end_test(self) -> WorkerFault | None:
        return self._session.end_test()
