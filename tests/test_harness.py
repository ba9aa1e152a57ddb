"""The grading harness: reasons, clamping, stderr, public vs hidden."""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from autograder.harness import GraderTest, run_test, score_by_exercise
from autograder.nbhook import _quiet_fd2
from course.selfcheck import Fail, NamespaceStudent, expect


def _test(func, public=False, points=2.0):
    return GraderTest(
        "chXX", "ex", func.__name__, points, "look at the axis", public, func
    )


def test_hidden_assertion_message_is_not_shown():
    def t(student):
        np.testing.assert_allclose(student.f(), [1.0, 2.0, 3.0])

    r = run_test(_test(t), NamespaceStudent({"f": lambda: [0.0, 0.0, 0.0]}))
    assert (r.earned, r.reason) == (0.0, "incorrect result")
    assert "1." not in r.reason


def test_fail_message_and_public_message_are_shown():
    def t(student):
        expect(False, "output should be float64")

    assert run_test(_test(t), NamespaceStudent({})).reason == "output should be float64"

    def p(student):
        assert student.f() == 3, "f() should be 3"

    r = run_test(_test(p, public=True), NamespaceStudent({"f": lambda: 4}))
    assert r.reason == "f() should be 3"


def test_missing_name_and_not_implemented():
    def t(student):
        student.f()

    assert "`f` is not defined" in run_test(_test(t), NamespaceStudent({})).reason

    def stub():
        raise NotImplementedError()

    assert run_test(_test(t), NamespaceStudent({"f": stub})).reason == "not implemented"


def test_warnings_and_stderr_do_not_fail_a_test():
    def noisy():
        warnings.warn("careful", stacklevel=2)
        print("debug", file=sys.stderr)
        return np.log(np.array([0.0]))  # RuntimeWarning: divide by zero

    def t(student):
        assert np.isneginf(student.f())[0]

    with _quiet_fd2():
        os.write(2, b"this goes nowhere\n")
        r = run_test(_test(t), NamespaceStudent({"f": noisy}))
    assert r.earned == 2.0


def test_failing_public_check_keeps_hidden_credit():
    def public(student):
        raise AssertionError("public says no")

    def hidden(student):
        assert student.f() == 1

    student = NamespaceStudent({"f": lambda: 1})
    results = [
        run_test(_test(public, public=True, points=1.0), student),
        run_test(_test(hidden, points=3.0), student),
    ]
    assert score_by_exercise(results) == {"ex": 3.0}


def test_student_exception_reason_is_short():
    def t(student):
        student.f()

    def boom():
        raise ValueError("x" * 1000 + "\nsecond line")

    r = run_test(_test(t), NamespaceStudent({"f": boom}))
    assert r.reason.startswith("raised ValueError: ") and len(r.reason) < 200


def test_fail_is_an_assertion_error():
    assert issubclass(Fail, AssertionError)
