"""Registry and runner of the hidden graders.

A hidden grader is a function in ``autograder/graders/<chapter>.py``::

    @grader("perceptron_train", points=2, hint="Update after every sample.")
    def test_and_gate_trajectory(student):
        w, b, errors = student.perceptron_train(X, y, lr=0.1, epochs=10)
        ...

It reaches student code only through ``student`` and compares in its own
process. A test earns all its points or none; an exercise's score is the sum
over its hidden tests and its public checks (``course/checks``).

Failure reasons shown to students are deliberately coarse: the message of a
:class:`course.selfcheck.Fail` (written by the instructor to be safe), or
"incorrect result" for a bare ``AssertionError`` whose message may hold
expected values, or the type of an exception the code raised.
"""

from __future__ import annotations

import importlib
import io
import logging
import math
import traceback
import warnings
from collections.abc import Callable, Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass, field

import numpy as np

from autograder.sandbox.session import StudentError, WorkerFault
from course.selfcheck import (
    Fail,
    MissingDefinition,
    NamespaceStudent,
    public_checks,
)

log = logging.getLogger("autograder.harness")

__all__ = [
    "GraderTest",
    "TestResult",
    "exercise_points",
    "grader",
    "load_tests",
    "module_student",
    "run_tests",
    "score_by_exercise",
]


@dataclass(frozen=True)
class GraderTest:
    chapter: str
    exercise: str
    name: str
    points: float
    hint: str
    public: bool
    func: Callable[[object], None] = field(compare=False, repr=False)


@dataclass
class TestResult:
    exercise: str
    name: str
    points: float
    earned: float
    public: bool
    reason: str
    hint: str

    def as_dict(self) -> dict:
        return asdict(self)


_HIDDEN: dict[str, list[GraderTest]] = {}


def grader(exercise: str, points: float, hint: str) -> Callable:
    """Register a hidden test of ``exercise`` worth ``points``.

    ``hint`` is shown to the student when the test fails; it says what to
    look at, never the expected value.
    """
    if points <= 0:
        raise ValueError("a hidden test must be worth a positive number of points")

    def register(func: Callable[[object], None]) -> Callable[[object], None]:
        chapter = func.__module__.rsplit(".", 1)[-1]
        _HIDDEN.setdefault(chapter, []).append(
            GraderTest(
                chapter=chapter,
                exercise=exercise,
                name=func.__name__,
                points=float(points),
                hint=hint,
                public=False,
                func=func,
            )
        )
        return func

    return register


def load_tests(chapter: str) -> list[GraderTest]:
    """Public checks, then hidden tests, of ``chapter`` in definition order."""
    importlib.import_module(f"autograder.graders.{chapter}")
    tests = [
        GraderTest(
            chapter=c.chapter,
            exercise=c.exercise,
            name=c.name,
            points=c.points,
            hint=c.doc,
            public=True,
            func=c.func,
        )
        for c in public_checks(chapter)
    ]
    return tests + list(_HIDDEN.get(chapter, []))


def exercise_points(chapter: str) -> dict[str, float]:
    """Maximum points per exercise (public checks plus hidden tests)."""
    totals: dict[str, float] = {}
    for t in load_tests(chapter):
        totals[t.exercise] = totals.get(t.exercise, 0.0) + t.points
    return totals


def module_student(module: object, overrides: Mapping[str, object] | None = None):
    """A ``student`` over a module's names, with some names replaced.

    Used by the project's tests: the reference module gets full marks, and
    replacing one name with a catalogued mistake must lose points.
    """
    namespace = dict(vars(module))
    namespace.update(overrides or {})
    return NamespaceStudent(namespace)


def _reason(exc: BaseException, public: bool) -> str:
    # note: a message may quote a student's return value, which can be huge
    return _reason_text(exc, public)[:300]


def _reason_text(exc: BaseException, public: bool) -> str:
    if isinstance(exc, WorkerFault):
        return str(exc)
    if isinstance(exc, StudentError):
        return f"raised {str(exc).splitlines()[0][:160]}"
    if isinstance(exc, MemoryError):
        return "ran out of memory"
    if isinstance(exc, NotImplementedError):
        return "not implemented"
    if isinstance(exc, MissingDefinition):
        return str(exc)
    if isinstance(exc, Fail):
        return str(exc).splitlines()[0] if str(exc) else "incorrect result"
    if isinstance(exc, AssertionError):
        # note: a bare assert in a hidden test may carry expected values in
        # its message (numpy's assert_allclose does), so it is never shown.
        if public and str(exc):
            return str(exc).splitlines()[0]
        return "incorrect result"
    if isinstance(exc, RecursionError):
        return "raised RecursionError (recursion too deep)"
    message = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"raised {type(exc).__name__}" + (f": {message}" if message else "")


def run_test(test: GraderTest, student: object) -> TestResult:
    """Run one test against ``student``; exceptions become a reason.

    A student object that runs code elsewhere (the sandboxed worker) has
    ``begin_test``/``end_test``: a fault it reports (time, memory, a dead
    worker) scores the test 0 whatever the test itself concluded.
    """
    begin = getattr(type(student), "begin_test", None)
    end = getattr(type(student), "end_test", None)
    sink = io.StringIO()
    try:
        with (
            warnings.catch_warnings(),
            np.errstate(all="ignore"),
            redirect_stderr(sink),
            redirect_stdout(sink),
        ):
            warnings.simplefilter("ignore")
            if begin is not None:
                begin(student)
            test.func(student)
    except (Exception, AssertionError, WorkerFault) as exc:
        log.debug(
            "%s.%s failed:\n%s",
            test.chapter,
            test.name,
            "".join(traceback.format_exception(exc)),
        )
        earned, reason = 0.0, _reason(exc, test.public)
    else:
        earned, reason = test.points, "passed"
    fault = end(student) if end is not None else None
    if fault is not None:
        earned, reason = 0.0, str(fault)
    return TestResult(
        exercise=test.exercise,
        name=test.name,
        points=test.points,
        earned=earned,
        public=test.public,
        reason=reason,
        hint=test.hint,
    )


def run_tests(
    chapter: str, student: object, exercises: list[str] | None = None
) -> list[TestResult]:
    """Run the chapter's tests (optionally only some exercises)."""
    return [
        run_test(t, student)
        for t in load_tests(chapter)
        if exercises is None or t.exercise in exercises
    ]


def score_by_exercise(results: list[TestResult]) -> dict[str, float]:
    """Sum earned points per exercise, clamped to each exercise's maximum."""
    earned: dict[str, float] = {}
    possible: dict[str, float] = {}
    for r in results:
        earned[r.exercise] = earned.get(r.exercise, 0.0) + r.earned
        possible[r.exercise] = possible.get(r.exercise, 0.0) + r.points
    return {
        ex: float(min(max(earned[ex], 0.0), possible[ex]))
        if math.isfinite(earned[ex])
        else 0.0
        for ex in earned
    }
