"""Trusted grading: faults become reasons, cheating earns nothing.

Each case is a small notebook: the chapter's setup and answer cells with
reference answers, then one change — a fault, a cheat, or a submission as
students really hand them in. Each asserts the exact score and reason.
Lesson cells are left out of the source (they only cost time here).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from autograder import demo
from autograder.build import build_notebook
from autograder.harness import (
    exercise_points,
    module_student,
    run_tests,
    score_by_exercise,
)
from autograder.sandbox.session import Limits, bwrap_flags
from autograder.trusted import grade_folder, grade_notebook
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CH = "ch07_optimizers"
TARGET = "warmup_cosine_lr"  # the exercise each case tampers with
OTHER = "clip_grad_norm"  # a correct answer in the same notebook
# Short limits where a case is about a limit; generous ones where a case
# must earn full marks (a loaded CI machine must not turn into a timeout).
LIMITS = Limits(test_timeout=1.5, cell_timeout=3.0, memory=1024**3)
GENEROUS = Limits(test_timeout=30.0, cell_timeout=60.0)
POINTS = exercise_points(CH)
SANDBOXED = bwrap_flags() is not None


def _source() -> nbformat.NotebookNode:
    nb = build_notebook(CH)
    keep = []
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if meta["grade_id"] == "setup" or meta.get("solution") or meta.get("grade"):
            keep.append(cell)
    nb.cells = keep
    return nb


SOURCE = _source()
PERFECT = demo.answer_cells(CH, ROOT, {})
SETUP = SOURCE.cells[0].source


def submission(
    answer: str | None = None, before: str | None = None, after: str | None = None
) -> nbformat.NotebookNode:
    """Reference answers; ``answer`` replaces TARGET's; extra cells around it."""
    nb = nbformat.from_dict(json.loads(json.dumps(SOURCE)))
    cells = []
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        gid = meta["grade_id"]
        if meta.get("grade"):
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0].rstrip()
        if gid in PERFECT:
            cell.source = PERFECT[gid]
        if gid == f"{TARGET}-code":
            if before is not None:
                cells.append(nbformat.v4.new_code_cell(before))
            if answer is not None:
                cell.source = answer
        cells.append(cell)
        if gid == f"{TARGET}-code" and after is not None:
            cells.append(nbformat.v4.new_code_cell(after))
    nb.cells = cells
    return nb


def grade(nb, exercises=(TARGET, OTHER), limits=GENEROUS) -> dict:
    return grade_notebook(CH, "student", nb, SOURCE, limits, exercises=list(exercises))


def target_reasons(result: dict) -> set[str]:
    return {t["reason"] for t in result["exercises"][TARGET]["tests"]}


def in_process_score(func_source: str) -> float:
    """What the same wrong answer earns when graded in-process, untampered."""
    namespace: dict = {}
    exec(SETUP, namespace)
    exec(func_source, namespace)
    from solutions import ch07_optimizers as ref

    student = module_student(ref, {TARGET: namespace[TARGET]})
    return score_by_exercise(run_tests(CH, student, [TARGET]))[TARGET]


WRONG = (
    f"def {TARGET}(step, base_lr, warmup_steps, total_steps, min_lr=0.0):\n"
    "    return 0.0\n"
)
HALF = f"def {TARGET}(*args, **kwargs):\n    return 0.5\n"


def test_reference_notebook_gets_full_marks():
    r = grade_notebook(CH, "student", submission(), SOURCE, Limits())
    assert r["score"] == sum(POINTS.values())
    assert r["cells"] == [] and r["notices"] == []


# -- faults ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "    while True:\n        pass\n",
        "    import signal\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "    while True:\n        pass\n",
    ],
    ids=["loop", "loop-ignoring-interrupts"],
)
def test_infinite_loop_in_exercise_times_out(body):
    r = grade(submission(f"def {TARGET}(*args, **kwargs):\n{body}"), limits=LIMITS)
    assert r["exercises"][TARGET]["score"] == 0
    assert target_reasons(r) == {"timed out after 1.5 s"}
    assert r["exercises"][OTHER]["score"] == POINTS[OTHER]


def test_infinite_loop_at_top_level_is_recorded():
    r = grade(
        submission(
            before="import signal\n"
            "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "while True:\n    pass\n"
        ),
        limits=LIMITS,
    )
    assert r["score"] == POINTS[TARGET] + POINTS[OTHER]
    assert [c["status"] for c in r["cells"]] == ["timeout"]
    assert r["cells"][0]["error"] == "timed out after 3 s"


@pytest.mark.parametrize(
    "code, status, error",
    [
        ("import sys\nsys.exit(0)\n", "error", "SystemExit: 0"),
        ("import os\nos._exit(0)\n", "crashed", "worker exited (status 0)"),
        (
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
            "crashed",
            "worker exited (signal 9)",
        ),
        ("x = input('name? ')\n", "error", "EOFError"),
        (
            "raise ValueError('出错了：中文信息')\n",
            "error",
            "ValueError: 出错了：中文信息",
        ),
    ],
    ids=["sys-exit", "os-exit", "kill-self", "input", "chinese-error"],
)
def test_top_level_exits_and_errors_are_recorded(code, status, error):
    r = grade(submission(before=code))
    assert r["score"] == POINTS[TARGET] + POINTS[OTHER]
    assert len(r["cells"]) == 1
    assert r["cells"][0]["status"] == status
    assert r["cells"][0]["error"].startswith(error)


@pytest.mark.parametrize(
    "body, reason",
    [
        (
            "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n",
            "worker exited (signal 9)",
        ),
        ("    import os\n    os._exit(3)\n", "worker exited (status 3)"),
        (
            "    import numpy as np\n    return float(np.ones(5 * 1024**3).sum())\n",
            "memory limit 1 GiB exceeded",
        ),
        (
            "    import numpy as np\n    return np.zeros(36_000_000)\n",
            "returned too much data",
        ),
        (
            "    return (x for x in range(3))\n",
            "returned an unsupported type (generator)",
        ),
        ("    import sys\n    sys.exit(1)\n", "raised SystemExit: 1"),
    ],
    ids=["kill", "os-exit", "memory", "huge-array", "generator", "sys-exit"],
)
def test_faults_inside_an_exercise_score_zero_with_a_reason(body, reason):
    r = grade(submission(f"def {TARGET}(*args, **kwargs):\n{body}"), limits=LIMITS)
    assert r["exercises"][TARGET]["score"] == 0
    assert target_reasons(r) == {reason}
    assert r["exercises"][OTHER]["score"] == POINTS[OTHER]


def test_forking_and_printing_do_not_cost_a_correct_answer():
    correct = PERFECT[f"{TARGET}-code"]
    noisy = (
        correct
        + "\n\nimport os as _os\n_inner = "
        + TARGET
        + "\n\ndef "
        + TARGET
        + "(*a, **k):\n    print('x' * 100_000)\n"
        "    _os.fork()  # the child returns too\n"
        "    return _inner(*a, **k)\n"
    )
    r = grade(
        submission(
            noisy,
            before="import os\nprint('y' * 10_000_000)\nif os.fork() == 0:\n    pass\n",
        )
    )
    assert r["exercises"][TARGET]["score"] == POINTS[TARGET], target_reasons(r)
    assert r["cells"] == []


# -- cheats ------------------------------------------------------------------

CHEATS = {
    "patch-numpy": "import numpy as np\n"
    "np.allclose = lambda *a, **k: True\n"
    "np.isclose = lambda *a, **k: True\n"
    "np.array_equal = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None\n",
    "patch-builtins": "import builtins, math\n"
    "builtins.abs = lambda x: 0\n"
    "builtins.isinstance = lambda *a: True\n"
    "math.isclose = lambda *a, **k: True\n",
    "patch-torch": "import torch\n"
    "torch.allclose = lambda *a, **k: True\n"
    "torch.testing.assert_close = lambda *a, **k: None\n",
    "patch-grader": "import sys, types\n"
    "fake = types.SimpleNamespace(\n"
    "    run_test=lambda *a: None, grader=lambda *a, **k: None\n"
    ")\n"
    "sys.modules['autograder'] = sys.modules['autograder.harness'] = fake\n"
    "import autograder.harness\n",
}


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_cheats_earn_nothing(name):
    honest = in_process_score(WRONG)
    assert honest < POINTS[TARGET]
    r = grade(submission(WRONG, before=CHEATS[name]))
    assert r["exercises"][TARGET]["score"] == honest
    assert r["exercises"][OTHER]["score"] == POINTS[OTHER]


def test_patching_the_worker_only_changes_what_the_student_returns():
    patch = (
        "import gc\n"
        "for obj in gc.get_objects():\n"
        "    if type(obj).__name__ == 'Worker':\n"
        "        _real = obj.dispatch\n"
        "        def _fake(op, header, *rest, _real=_real):\n"
        f"            if header.get('target') == {TARGET!r}:\n"
        "                return 0.5\n"
        "            return _real(op, header, *rest)\n"
        "        obj.dispatch = _fake\n"
    )
    r = grade(submission(after=patch))
    assert r["exercises"][TARGET]["score"] == in_process_score(HALF) < POINTS[TARGET]
    assert r["exercises"][OTHER]["score"] == POINTS[OTHER]


@pytest.mark.parametrize(
    "definition, value",
    [
        (
            "class Liar(float):\n    def __eq__(self, other):\n        return True\n"
            "    __hash__ = float.__hash__\n",
            "Liar(0.0)",
        ),
        (
            "import numpy as np\nclass Liar(np.ndarray):\n"
            "    def __eq__(self, other):\n        return True\n",
            "np.zeros(()).view(Liar)",
        ),
    ],
    ids=["float-subclass", "ndarray-subclass"],
)
def test_values_that_claim_equality_arrive_as_plain_data(definition, value):
    answer = definition + f"\n\ndef {TARGET}(*args, **kwargs):\n    return {value}\n"
    r = grade(submission(answer))
    assert r["exercises"][TARGET]["score"] == in_process_score(WRONG)


def test_nan_is_wrong():
    answer = f"def {TARGET}(*args, **kwargs):\n    return float('nan')\n"
    r = grade(submission(answer))
    assert r["exercises"][TARGET]["score"] <= in_process_score(answer)
    assert r["exercises"][TARGET]["score"] < POINTS[TARGET]


@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not installed on this machine")
def test_worker_cannot_read_or_import_grader_files():
    probe = (
        "import importlib, os\n"
        "found = []\n"
        f"for p in [{str(ROOT / 'solutions' / (CH + '.py'))!r}, "
        f"{str(ROOT / 'autograder' / 'graders' / (CH + '.py'))!r}, "
        f"{str(ROOT / 'source' / CH / (CH + '.ipynb'))!r}]:\n"
        "    found.append(os.path.exists(p))\n"
        "for m in ['solutions', 'autograder', 'tests']:\n"
        "    try:\n        importlib.import_module(m)\n        found.append(True)\n"
        "    except ImportError:\n        found.append(False)\n"
        "assert not any(found), found\n"
        # as root, a sandbox that kept its capabilities could unmount the
        # folders that hide the grader's files, or remount / read-write
        "import ctypes\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        f"assert libc.umount2({str(ROOT).encode()!r}, 2) != 0\n"
        "assert libc.mount(b'none', b'/', None, 32 | 1 << 5, None) != 0\n"
        "caps = open('/proc/self/status').read().split('CapEff:')[1].split()[0]\n"
        "assert int(caps, 16) == 0, caps\n"
    )
    r = grade(submission(before=probe))
    assert r["cells"] == [], r["cells"]
    assert r["isolation"]["kind"] == "bubblewrap"


@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not installed on this machine")
def test_worker_has_no_network():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted = []

    def serve():
        try:
            accepted.append(server.accept())
        except OSError:  # closed by the test: nobody connected
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    probe = (
        f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
    )
    r = grade(submission(before=probe))
    server.close()
    thread.join(timeout=5)
    assert not accepted
    assert r["cells"][0]["status"] == "error"
    assert (
        "Connection refused" in r["cells"][0]["error"]
        or "unreachable" in (r["cells"][0]["error"])
    )


# -- submissions as they arrive ----------------------------------------------


def _folder(tmp_path: Path, files: dict[str, object]) -> Path:
    folder = tmp_path / "张三" / CH
    folder.mkdir(parents=True)
    for name, content in files.items():
        if isinstance(content, str):
            (folder / name).write_text(content, encoding="utf-8")
        else:
            nbformat.write(content, folder / name)
    return folder


@pytest.fixture(scope="module")
def source_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("src") / f"{CH}.ipynb"
    nbformat.write(SOURCE, path)
    return path


def _grade_folder(folder, source_path):
    return grade_folder(CH, "张三", folder, source_path, GENEROUS)


def test_empty_folder(tmp_path, source_path):
    r = _grade_folder(_folder(tmp_path, {}), source_path)
    assert r["score"] == 0 and "no notebook was submitted" in r["notices"]


def test_invalid_json(tmp_path, source_path):
    r = _grade_folder(
        _folder(tmp_path, {f"{CH}.ipynb": '{"cells": [oops'}), source_path
    )
    assert r["score"] == 0
    assert any("is not valid notebook JSON" in n for n in r["notices"])


def test_odd_file_name_is_graded_with_a_notice(tmp_path, source_path):
    folder = _folder(tmp_path, {"第7章 (1).ipynb": submission()})
    r = _grade_folder(folder, source_path)
    assert r["score"] == sum(POINTS.values())
    assert r["graded_file"] == "第7章 (1).ipynb"
    assert any("graded 第7章 (1).ipynb" in n for n in r["notices"])


def test_two_notebooks(tmp_path, source_path):
    blank = nbformat.read(ROOT / "release" / CH / f"{CH}.ipynb", as_version=4)
    folder = _folder(tmp_path, {f"{CH}.ipynb": submission(), "copy.ipynb": blank})
    r = _grade_folder(folder, source_path)
    assert r["graded_file"] == f"{CH}.ipynb" and r["score"] == sum(POINTS.values())
    assert any("2 notebooks" in n for n in r["notices"])


def test_another_chapters_notebook_is_refused(tmp_path, source_path):
    other = nbformat.v4.new_notebook(
        metadata={"llm_primer": {"chapter": "ch13_tokenization"}}
    )
    r = _grade_folder(_folder(tmp_path, {f"{CH}.ipynb": other}), source_path)
    assert r["score"] == 0
    assert any("wrong chapter" in n and "ch13_tokenization" in n for n in r["notices"])


def _edit(nb, grade_id, fn):
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            fn(nb, i, cell)
            return nb
    raise AssertionError(grade_id)


def test_deleted_and_edited_test_cells_change_nothing():
    deleted = _edit(submission(), TARGET, lambda nb, i, c: nb.cells.pop(i))
    r = grade(deleted)
    assert r["exercises"][TARGET]["score"] == POINTS[TARGET]
    assert f"locked cell {TARGET} was deleted; the original was used" in r["notices"]

    def fake_score(nb, i, cell):
        cell.source = f"{POINTS[TARGET]}"

    edited = _edit(submission(WRONG), TARGET, fake_score)
    r = grade(edited)
    assert r["exercises"][TARGET]["score"] == in_process_score(WRONG)
    assert f"locked cell {TARGET} was edited; the original was used" in r["notices"]

    dup = _edit(submission(), TARGET, lambda nb, i, c: nb.cells.insert(i, c.copy()))
    r = grade(dup)
    assert r["exercises"][TARGET]["score"] == POINTS[TARGET]
    assert any("appears more than once" in n for n in r["notices"])


def test_edited_setup_cell_uses_the_original():
    def sabotage(nb, i, cell):
        cell.source = "np = None\nmath = None\n"

    r = grade(_edit(submission(), "setup", sabotage))
    assert r["exercises"][TARGET]["score"] == POINTS[TARGET]
    assert "locked cell setup was edited; the original was used" in r["notices"]


def test_answer_cell_turned_into_markdown():
    def to_markdown(nb, i, cell):
        nb.cells[i] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)

    r = grade(_edit(submission(), f"{TARGET}-code", to_markdown))
    assert r["exercises"][TARGET]["score"] == 0
    assert f"`{TARGET}` is not defined; run the cell that defines it" in target_reasons(
        r
    )
    assert any("turned into markdown" in n for n in r["notices"])


def test_regrading_is_identical_under_any_hash_seed(tmp_path, source_path):
    folder = _folder(tmp_path, {f"{CH}.ipynb": submission(WRONG)})
    code = (
        "import json, sys\nfrom pathlib import Path\n"
        "from autograder.trusted import grade_folder\n"
        "from autograder.sandbox.session import Limits\n"
        f"r = grade_folder({CH!r}, '张三', Path({str(folder)!r}), "
        f"Path({str(source_path)!r}), Limits(test_timeout=30))\n"
        "print(json.dumps(r, sort_keys=True, ensure_ascii=False))\n"
    )
    outs = []
    for seed in ("1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed, LANG="C", LC_ALL="C")
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            env=env,
            check=True,
            cwd=tmp_path,
        )
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    assert json.loads(outs[0])["exercises"][TARGET]["score"] == in_process_score(WRONG)


def test_without_bubblewrap_limits_still_hold(monkeypatch):
    """Where bubblewrap is missing, grading falls back to resource limits."""
    from autograder.sandbox import session

    monkeypatch.setattr(session, "_ISOLATION_FLAGS", [])
    r = grade(submission())
    assert r["isolation"]["kind"] == "rlimits"
    assert r["score"] == POINTS[TARGET] + POINTS[OTHER]
    r = grade(
        submission(f"def {TARGET}(*args, **kwargs):\n    while True:\n        pass\n"),
        limits=LIMITS,
    )
    assert target_reasons(r) == {"timed out after 1.5 s"}
    r = grade(
        submission(
            f"def {TARGET}(*args, **kwargs):\n    import numpy as np\n"
            "    return np.ones(5 * 1024**3).sum()\n"
        ),
        limits=LIMITS,
    )
    assert target_reasons(r) == {"memory limit 1 GiB exceeded"}


def test_links_are_not_followed(tmp_path, source_path):
    secret = tmp_path / "other-student.ipynb"
    nbformat.write(submission(), secret)
    folder = _folder(tmp_path, {})
    (folder / f"{CH}.ipynb").symlink_to(secret)
    r = _grade_folder(folder, source_path)
    assert r["score"] == 0
    assert f"ignored link {CH}.ipynb" in r["notices"]


def test_deep_folders_are_cleaned_up():
    before = set(Path("/tmp").glob("course-worker-*"))
    make = (
        "import os\n"
        "home = os.getcwd()\n"
        "for _ in range(1500):\n"
        "    os.mkdir('d')\n"
        "    os.chdir('d')\n"
        "open('f', 'wb').write(b'x' * 1000)\n"
        "os.chdir(home)\n"
    )
    r = grade(submission(before=make))
    assert r["cells"] == [], r["cells"]
    assert set(Path("/tmp").glob("course-worker-*")) <= before


def test_a_submission_has_a_total_time_budget():
    limits = Limits(test_timeout=1.5, cell_timeout=3.0, submission=4.0)
    slow = "import time\ntime.sleep(1.0)\n"
    loop = f"def {TARGET}(*args, **kwargs):\n    while True:\n        pass\n"
    r = grade_notebook(
        CH,
        "s",
        submission(loop, before=slow),
        SOURCE,
        limits,
        exercises=[TARGET, OTHER],
    )
    budget = "the submission used up its grading time (4 s)"
    assert budget in target_reasons(r) | {
        t["reason"] for t in r["exercises"][OTHER]["tests"]
    }
    assert r["exercises"][TARGET]["score"] == 0


def test_huge_messages_are_cut():
    answer = f"def {TARGET}(*args, **kwargs):\n    return '1' + ' ' * 5_000_000\n"
    r = grade(submission(answer))
    assert r["exercises"][TARGET]["score"] == 0
    assert max(len(reason) for reason in target_reasons(r)) <= 300


def test_forked_children_share_one_memory_limit_and_a_process_cap():
    """RLIMIT_AS is per process; where cgroups allow, the limit is shared."""
    hog = (
        "import os, time\nimport numpy as np\n\n"
        f"def {TARGET}(*args, **kwargs):\n"
        "    for i in range(3):\n"
        "        if os.fork() == 0:\n"
        "            a = np.ones(150_000_000)  # 1.2 GB, touched\n"
        "            open(f'done{i}', 'w').close()\n"
        "            time.sleep(20)\n"
        "            os._exit(0)\n"
        "    time.sleep(4)\n"
        "    return float(len([f for f in os.listdir('.') if f.startswith('done')]))\n"
    )
    limits = Limits(test_timeout=8.0, memory=2 * 1024**3)
    bomb = (
        "import os, time\n\n"
        f"def {TARGET}(*args, **kwargs):\n"
        "    n = 0\n"
        "    try:\n"
        "        for _ in range(500):\n"
        "            if os.fork() == 0:\n"
        "                time.sleep(20)\n"
        "                os._exit(0)\n"
        "            n += 1\n"
        "    except OSError:\n"
        "        pass\n"
        "    return n\n"
    )
    from autograder.sandbox.session import WorkerSession, WorkerStudent
    from autograder.trusted import plan_cells

    for code, check in ((hog, lambda v: v < 3), (bomb, lambda v: v < 64)):
        cells, _ = plan_cells(SOURCE, submission(code))
        with WorkerSession(cells, limits) as session:
            session.start()
            if not session.isolation.cgroup:
                pytest.skip("cgroup v1 memory/pids hierarchies are not writable here")
            student = WorkerStudent(session)
            student.begin_test()
            value = student.__getattr__(TARGET)(0, 1.0, 1, 2)
            assert student.end_test() is None
            assert check(value), value
