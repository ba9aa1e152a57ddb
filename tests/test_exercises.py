"""Every graded exercise: reference full marks, stub 0, each mistake loses.

These are the proofs the course's grades rest on. The stub is what the
release gives a student (nbgrader's ``raise NotImplementedError()``), taken
from the committed release notebook itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.build import exercises_of
from autograder.harness import (
    exercise_points,
    load_tests,
    module_student,
    run_tests,
    score_by_exercise,
)
from tests.conftest import CHAPTERS, reference, stub_student
from tests.mistakes import mistakes


def _exercise_of(chapter: str, name: str) -> str:
    for ex in exercises_of(chapter):
        if name in ex.names:
            return ex.id
    raise AssertionError(f"{chapter}: no exercise holds {name!r}")


MISTAKES = [
    pytest.param(ch, m, id=f"{ch}-{m.replaces}-{m.obj.__name__}")
    for ch in CHAPTERS
    for m in mistakes(ch)
]


def test_reference_gets_full_marks(chapter):
    results = run_tests(chapter, module_student(reference(chapter)))
    failed = [(r.name, r.reason) for r in results if r.earned < r.points]
    assert not failed
    assert score_by_exercise(results) == exercise_points(chapter)


def test_stub_gets_zero(chapter):
    results = run_tests(chapter, stub_student(chapter))
    passed = [r.name for r in results if r.earned > 0]
    assert not passed, f"tests that a stub passes: {passed}"


def test_every_exercise_has_checks_and_three_mistakes(chapter):
    points = exercise_points(chapter)
    counts = {ex.id: 0 for ex in exercises_of(chapter)}
    for m in mistakes(chapter):
        counts[_exercise_of(chapter, m.replaces)] += 1
    assert 3 <= len(counts) <= 6
    assert all(points[ex] > 0 for ex in counts)
    assert {ex: n for ex, n in counts.items() if n < 3} == {}
    assert any(m.typical for m in mistakes(chapter))
    tests = load_tests(chapter)
    for ex in counts:
        kinds = {t.public for t in tests if t.exercise == ex}
        assert kinds == {True, False}, f"{ex} needs public checks and hidden tests"


@pytest.mark.parametrize("chapter,m", MISTAKES)
def test_mistake_loses_points(chapter, m):
    ex = _exercise_of(chapter, m.replaces)
    student = module_student(reference(chapter), {m.replaces: m.obj})
    results = run_tests(chapter, student, [ex])
    earned = score_by_exercise(results)[ex]
    assert earned < exercise_points(chapter)[ex], f"{m.why!r} keeps full marks"


def test_grading_is_deterministic(chapter):
    """Two runs give the same per-test outcomes (graders seed everything)."""
    first = [r.as_dict() for r in run_tests(chapter, stub_student(chapter))]
    again = [r.as_dict() for r in run_tests(chapter, stub_student(chapter))]
    assert first == again


def test_graders_leave_global_rng_alone(chapter):
    state = np.random.get_state()[1].copy()
    run_tests(chapter, module_student(reference(chapter)))
    assert np.array_equal(np.random.get_state()[1], state)


@pytest.mark.slow
def test_reference_notebook_gets_full_marks_through_the_worker(chapter):
    """The real grading path: the notebook in the sandbox, graders here."""
    import nbformat

    from autograder import demo
    from autograder.build import build_notebook
    from autograder.trusted import grade_notebook
    from tests.conftest import ROOT

    source = build_notebook(chapter)
    answers = demo.answer_cells(chapter, ROOT, {})
    sub = nbformat.from_dict(source)
    for cell in sub.cells:
        gid = cell.metadata["nbgrader"]["grade_id"]
        if gid in answers:
            cell.source = answers[gid]
    r = grade_notebook(chapter, "perfect", sub, source)
    failed = [
        (t["name"], t["reason"])
        for e in r["exercises"].values()
        for t in e["tests"]
        if t["earned"] < t["points"]
    ]
    assert not failed
    assert r["cells"] == [] and r["notices"] == []
    assert r["score"] == sum(exercise_points(chapter).values())


def _answer_only_source(chapter: str):
    """The source notebook without lesson cells (they only cost time here)."""
    from autograder.build import build_notebook

    nb = build_notebook(chapter)
    nb.cells = [
        c
        for c in nb.cells
        if c.metadata["nbgrader"]["grade_id"] == "setup"
        or c.metadata["nbgrader"].get("solution")
        or c.metadata["nbgrader"].get("grade")
    ]
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("chapter,m", MISTAKES)
def test_mistake_scores_the_same_through_the_worker(chapter, m):
    """The sandboxed path sees a mistake exactly as the in-process graders do."""
    import nbformat

    from autograder import demo
    from autograder.sandbox.session import Limits
    from autograder.trusted import grade_notebook
    from tests.conftest import ROOT

    ex = _exercise_of(chapter, m.replaces)
    source = _answer_only_source(chapter)
    answers = demo.answer_cells(chapter, ROOT, {m.replaces: m.obj})
    sub = nbformat.from_dict(source)
    for cell in sub.cells:
        gid = cell.metadata["nbgrader"]["grade_id"]
        if gid in answers:
            cell.source = answers[gid]
    r = grade_notebook(
        chapter, "s", sub, source, Limits(test_timeout=60.0), exercises=[ex]
    )
    student = module_student(reference(chapter), {m.replaces: m.obj})
    in_process = run_tests(chapter, student, [ex])
    assert r["cells"] == [], r["cells"]
    assert {t["name"]: t["earned"] for t in r["exercises"][ex]["tests"]} == {
        t.name: t.earned for t in in_process
    }
