"""A sample class: three students, every built chapter, graded end to end.

``perfect`` hands in the reference bodies, ``blank`` the untouched release,
``typical`` the reference with the catalogue's ``typical`` mistakes pasted
in (Adam without bias correction, BPE merged with ``str.replace``, ...).
"""

from __future__ import annotations

import ast
import inspect
import logging
import shutil
import sys
import textwrap
from pathlib import Path

import nbformat

from autograder.build import (
    SolutionModule,
    exercises_of,
    rename_definition,
    solution_path,
    strip_markers,
)

log = logging.getLogger("autograder.demo")

STUDENTS = ("perfect", "blank", "typical")


def typical_overrides(chapter: str, repo: Path) -> dict[str, object]:
    """Names replaced by the chapter's ``typical`` catalogued mistakes."""
    if not (repo / "tests" / "mistakes" / f"{chapter}.py").exists():
        log.warning(
            "no mistake catalogue for %s; `typical` answers it perfectly", chapter
        )
        return {}
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    from tests.mistakes import mistakes

    return {m.replaces: m.obj for m in mistakes(chapter) if m.typical}


def pasteable(obj: object, name: str) -> str:
    """Source of a catalogued mistake as a student would write it.

    The registering decorator (however many lines it spans) is dropped and
    the definition renamed to the exercise's ``name``.
    """
    src = textwrap.dedent(inspect.getsource(obj))
    node = ast.parse(src).body[0]
    lines = src.splitlines()[node.lineno - 1 : node.end_lineno]
    return rename_definition("\n".join(lines), name).strip("\n")


def answer_cells(
    chapter: str, repo: Path, overrides: dict[str, object]
) -> dict[str, str]:
    """Source of each exercise's answer cell, keyed by the cell's grade_id."""
    module = SolutionModule(solution_path(chapter, repo))
    cells = {}
    for ex in exercises_of(chapter, repo):
        parts = []
        for name in ex.names:
            if name in overrides:
                parts.append(pasteable(overrides[name], name))
            else:
                parts.append(strip_markers(module.render(name)))
        cells[f"{ex.id}-code"] = "\n\n\n".join(parts)
    return cells


def write_submission(
    release_nb: Path, out: Path, answers: dict[str, str] | None
) -> None:
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers is not None and grade_id in answers:
            cell.source = answers[grade_id]
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)


def make_class(repo: Path, root: Path, chapters: list[str]) -> None:
    """Lay out a fresh course directory with the sample submissions."""
    if root.exists():
        for sub in ("submitted", "autograded", "feedback", "source", "release"):
            shutil.rmtree(root / sub, ignore_errors=True)
        for name in ("gradebook.db", "grades.csv", "grades-by-exercise.csv"):
            (root / name).unlink(missing_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "nbgrader_config.py", root / "nbgrader_config.py")
    for ch in chapters:
        for kind in ("source", "release"):
            shutil.copytree(repo / kind / ch, root / kind / ch)
        release_nb = root / "release" / ch / f"{ch}.ipynb"
        plans = {
            "perfect": answer_cells(ch, repo, {}),
            "blank": None,
            "typical": answer_cells(ch, repo, typical_overrides(ch, repo)),
        }
        for student, answers in plans.items():
            out = root / "submitted" / student / ch / f"{ch}.ipynb"
            write_submission(release_nb, out, answers)
    log.info("sample class laid out in %s", root)


def table(results: dict[str, dict[str, dict]], chapters: list[str]) -> str:
    """A student x chapter score table as plain text."""
    head = ["student"] + chapters
    rows = [head]
    for student in STUDENTS:
        row = [student]
        for ch in chapters:
            r = results.get(ch, {}).get(student)
            row.append(f"{r['score']:g}/{r['max_score']:g}" if r else "-")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
