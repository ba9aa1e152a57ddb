"""The hidden part of each test cell: grade one exercise inside the kernel.

``course grade`` never runs this (it grades in a sandboxed worker and
nbgrader executes nothing). It runs when a source notebook is executed, so
that each of its test cells proves full marks, and in the benchmark's
plain-nbgrader peer. nbgrader reads a test cell's score from its last
``execute_result``: a plain float in ``[0, points]``. Any output on stderr
scores the cell 0, so the tests run with stderr (Python's and file
descriptor 2) captured; a warning never zeroes a correct answer.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager

from autograder.harness import run_tests, score_by_exercise
from course.selfcheck import NamespaceStudent


@contextmanager
def _quiet_fd2():
    """Send file descriptor 2 to a temporary file while the tests run."""
    try:
        sys.stderr.flush()
    except Exception:
        pass
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def grade_exercise(chapter: str, exercise: str, namespace: Mapping) -> float:
    """Run the exercise's tests against ``namespace``; return the score."""
    student = NamespaceStudent(namespace)
    with _quiet_fd2():
        results = run_tests(chapter, student, [exercise])
    score = score_by_exercise(results).get(exercise, 0.0)
    return round(float(score), 6)
