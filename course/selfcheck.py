"""Public self-checks that students run from their notebooks.

A chapter's checks live in ``course/checks/<chapter>.py``; each is a function
that takes a ``student`` object and reaches the student's code only through
it (``student.sigmoid(x)``). The same functions count towards the grade when
an instructor grades a submission, so they are written like the hidden
graders, but their messages may say what was expected: they are public.

In a notebook the builder writes, once, near the top::

    from course.selfcheck import make_checker
    check = make_checker("ch03_perceptron", globals())

and under each exercise ``check("perceptron_train")``, which prints one line
per check and never raises.
"""

from __future__ import annotations

import importlib
import io
import traceback
import warnings
from collections.abc import Callable, Mapping
from contextlib import redirect_stderr
from dataclasses import dataclass, field

__all__ = [
    "Fail",
    "MissingDefinition",
    "NamespaceStudent",
    "PublicCheck",
    "expect",
    "make_checker",
    "public_check",
    "public_checks",
]


class Fail(AssertionError):
    """A failed check whose message is safe to show to the student.

    Graders raise it (through :func:`expect`) to explain *what kind* of
    mistake was found without revealing expected values.
    """


class MissingDefinition(NameError):
    """The student's namespace does not define a name an exercise needs."""


def expect(condition: object, message: str) -> None:
    """Raise :class:`Fail` with ``message`` unless ``condition`` is true."""
    if not condition:
        raise Fail(message)


class NamespaceStudent:
    """The ``student`` object over a dict of names (a notebook's globals).

    ``student.name`` returns the object the namespace binds to ``name``;
    a missing name raises :class:`MissingDefinition` with a message a
    student understands.
    """

    def __init__(self, namespace: Mapping[str, object]):
        object.__setattr__(self, "_namespace", namespace)

    def __getattr__(self, name: str) -> object:
        try:
            return self._namespace[name]
        except KeyError:
            raise MissingDefinition(
                f"`{name}` is not defined; run the cell that defines it"
            ) from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("the student object is read-only")


@dataclass(frozen=True)
class PublicCheck:
    chapter: str
    exercise: str
    name: str
    points: float
    func: Callable[[object], None] = field(compare=False)
    doc: str = ""


_REGISTRY: dict[str, list[PublicCheck]] = {}


def public_check(exercise: str, points: float) -> Callable:
    """Register a public check of ``exercise`` worth ``points`` when graded.

    The decorated function takes the ``student`` object and raises
    ``AssertionError`` (or :class:`Fail`) when the check fails. Its first
    docstring line is what the student sees next to the check's name.
    """

    def register(func: Callable[[object], None]) -> Callable[[object], None]:
        chapter = func.__module__.rsplit(".", 1)[-1]
        doc = (func.__doc__ or "").strip().splitlines()
        _REGISTRY.setdefault(chapter, []).append(
            PublicCheck(
                chapter=chapter,
                exercise=exercise,
                name=func.__name__,
                points=float(points),
                func=func,
                doc=doc[0] if doc else func.__name__,
            )
        )
        return func

    return register


def public_checks(chapter: str) -> list[PublicCheck]:
    """All public checks of a chapter, in definition order."""
    importlib.import_module(f"course.checks.{chapter}")
    return list(_REGISTRY.get(chapter, []))


def _run_one(check: PublicCheck, student: object) -> str | None:
    """Run one check; return ``None`` on success or a message on failure."""
    sink = io.StringIO()
    try:
        # note: a numpy warning inside student code is not a failure; keep
        # it off stderr so that nbgrader never sees stderr in a test cell.
        with warnings.catch_warnings(), redirect_stderr(sink):
            warnings.simplefilter("ignore")
            check.func(student)
    except NotImplementedError:
        return "not implemented yet"
    except AssertionError as exc:
        return str(exc) or "the result is not what the exercise asks for"
    except Exception as exc:  # student code may raise anything
        frames = traceback.extract_tb(exc.__traceback__)
        where = ""
        for frame in reversed(frames):
            if frame.filename.startswith("<ipython-input") or "ipykernel" in (
                frame.filename
            ):
                where = f" (line {frame.lineno} of your cell)"
                break
        return f"your code raised {type(exc).__name__}: {exc}{where}"
    return None


def make_checker(chapter: str, namespace: Mapping[str, object]) -> Callable:
    """Return ``check(exercise)`` bound to a notebook's globals."""
    student = NamespaceStudent(namespace)

    def check(exercise: str) -> None:
        checks = [c for c in public_checks(chapter) if c.exercise == exercise]
        if not checks:
            print(f"No public checks for {exercise!r}.")
            return None
        passed = 0
        for c in checks:
            problem = _run_one(c, student)
            if problem is None:
                passed += 1
                print(f"[PASS] {c.doc}")
            else:
                print(f"[FAIL] {c.doc}\n       {problem}")
        print(
            f"{passed}/{len(checks)} public checks passed for {exercise}. "
            "Hidden tests will check more cases when your work is graded."
        )
        return None

    return check
