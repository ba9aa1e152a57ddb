"""One whole class through nbgrader: release, submit, autograde, feedback, export.

Runs under ``LANG=C`` with a Chinese student id, and with a student whose
correct code writes to stderr and raises warnings during the hidden tests.
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from autograder import demo, grading
from autograder.build import exercises_of
from autograder.harness import exercise_points
from tests.conftest import CHAPTERS, ROOT

pytestmark = pytest.mark.slow

# The round trip is slow (a kernel per notebook); one chapter proves the
# pipeline, the others are proven exercise by exercise in test_exercises.
CHAPTER = "ch03_perceptron" if "ch03_perceptron" in CHAPTERS else CHAPTERS[0]

NOISE = """

import functools as _ft
import os as _os
import sys as _sys
import warnings as _warnings


def _noisy(f):
    @_ft.wraps(f)
    def wrapper(*args, **kwargs):
        print("debug output on stderr", file=_sys.stderr)
        _os.write(2, b"raw bytes on fd 2\\n")
        _warnings.warn("a harmless warning")
        return f(*args, **kwargs)

    return wrapper
"""


def _noisy_answers(answers: dict[str, str]) -> dict[str, str]:
    out = {}
    for ex in exercises_of(CHAPTER):
        src = answers[f"{ex.id}-code"] + NOISE
        for name in ex.names:
            if f"def {name}(" in src:
                src += f"\n{name} = _noisy({name})\n"
        out[f"{ex.id}-code"] = src
    return out


def _forged(release_nb, answers: dict[str, str]) -> dict:
    """Correct answers in a notebook whose structure would upset nbgrader.

    A test cell pasted twice, a cell claiming to be a 100-point test, a code
    cell without an "outputs" key and metadata of the wrong type: all found
    by a red-team run to crash or skew a whole nbgrader batch.
    """
    nb = json.loads(release_nb.read_text("utf-8"))
    cells = []
    for cell in nb["cells"]:
        gid = cell["metadata"]["nbgrader"]["grade_id"]
        if gid in answers:
            cell["source"] = answers[gid]
        cells.append(cell)
        if cell["metadata"]["nbgrader"].get("grade"):
            cells.append(json.loads(json.dumps(cell)))
    cells.append(
        {
            "cell_type": "code",
            "metadata": {
                "nbgrader": {
                    "grade": True,
                    "solution": False,
                    "locked": True,
                    "points": 100,
                    "grade_id": "forged",
                    "schema_version": 3,
                }
            },
            "source": "100.0",
            "outputs": [],
            "execution_count": None,
        }
    )
    cells.append({"cell_type": "code", "metadata": {}, "source": "x = 1"})
    cells.append(
        {"cell_type": "markdown", "metadata": {"nbgrader": "x"}, "source": "note"}
    )
    nb["cells"] = cells
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("LANG", "C")
    mp.setenv("LC_ALL", "C")
    root = tmp_path_factory.mktemp("class")
    demo.make_class(ROOT, root, [CHAPTER])
    release_nb = root / "release" / CHAPTER / f"{CHAPTER}.ipynb"
    perfect = demo.answer_cells(CHAPTER, ROOT, {})
    demo.write_submission(
        release_nb, root / "submitted" / "张三" / CHAPTER / f"{CHAPTER}.ipynb", perfect
    )
    demo.write_submission(
        release_nb,
        root / "submitted" / "noisy" / CHAPTER / f"{CHAPTER}.ipynb",
        _noisy_answers(perfect),
    )
    forged = root / "submitted" / "forged" / CHAPTER / f"{CHAPTER}.ipynb"
    forged.parent.mkdir(parents=True)
    forged.write_text(json.dumps(_forged(release_nb, perfect)), encoding="utf-8")
    results = grading.grade(CHAPTER, root)
    pages = grading.feedback(CHAPTER, root)
    csv_path, long_path = grading.export(root, root / "grades.csv")
    yield root, results, pages, csv_path, long_path
    mp.undo()
    shutil.rmtree(root, ignore_errors=True)


def test_scores_in_gradebook(graded):
    root, results, *_ = graded
    full = sum(exercise_points(CHAPTER).values())
    scores = {s: r["score"] for s, r in results.items()}
    assert scores["perfect"] == full
    assert scores["张三"] == full
    assert scores["noisy"] == full, "stderr or warnings cost a correct answer points"
    assert scores["blank"] == 0
    assert scores["forged"] == full
    assert 0 < scores["typical"] < full
    for student in scores:
        book = grading.gradebook_scores(CHAPTER, student, root)
        assert sum(book.values()) == pytest.approx(scores[student])
        on_disk = json.loads(
            (root / "autograded" / student / CHAPTER / "results.json").read_text(
                "utf-8"
            )
        )
        assert on_disk["score"] == scores[student]


def test_feedback_hides_hidden_tests(graded):
    root, results, pages, *_ = graded
    assert {p.parent.parent.name for p in pages} >= {
        "perfect",
        "blank",
        "typical",
        "张三",
    }
    grader_src = (ROOT / "autograder" / "graders" / f"{CHAPTER}.py").read_text("utf-8")
    code_lines = [
        ln.strip()
        for ln in grader_src.splitlines()
        if len(ln.strip()) > 25 and not ln.strip().startswith(("#", '"', "@", "def "))
    ]
    for page in pages:
        html = page.read_text("utf-8")
        for secret in ("grade_exercise", "autograder", "BEGIN HIDDEN", "solutions"):
            assert secret not in html
        leaked = [ln for ln in code_lines if ln in html]
        assert not leaked, leaked[:3]
    typical = (root / "feedback" / "typical" / CHAPTER / f"{CHAPTER}.html").read_text()
    assert "Hint:" in typical


def test_export_is_utf8_csv(graded):
    _, results, _, csv_path, long_path = graded
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    by_student = {r["student_id"]: r for r in rows}
    assert set(by_student) == set(results)
    assert float(by_student["张三"][CHAPTER]) == results["张三"]["score"]
    long_rows = list(csv.DictReader(long_path.open(encoding="utf-8")))
    assert {r["exercise"] for r in long_rows} == set(exercise_points(CHAPTER))
