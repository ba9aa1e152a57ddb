"""Trusted grading of one submission: student code in a worker, scores here.

:func:`intake` turns a folder as students really hand it in (odd file
names, two notebooks, broken JSON, another chapter's notebook) into one
notebook to grade or a recorded reason. :func:`grade_notebook` rebuilds the
code to run from the submission and the source notebook (locked cells come
from the source, answers from the student), runs it in a
:class:`~autograder.sandbox.session.WorkerSession` and runs every public
check and hidden test against it through the ``student`` proxy. All
comparisons and scores are made in this process.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.harness import exercise_points, load_tests, run_test, score_by_exercise
from autograder.sandbox.session import (
    Limits,
    WorkerSession,
    WorkerStartError,
    WorkerStudent,
)

log = logging.getLogger("autograder.trusted")


@dataclass
class Intake:
    """What was found in one ``submitted/<student>/<chapter>/`` folder."""

    notebook: nbformat.NotebookNode | None
    chosen: str | None
    notices: list[str] = field(default_factory=list)
    refusal: str | None = None  # why nothing can be graded


def notebook_chapter(nb: nbformat.NotebookNode) -> str | None:
    """The chapter a cleaned notebook says it is (see :func:`_clean`)."""
    return nb.metadata.get("llm_primer", {}).get("chapter")


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def _clean(raw: dict) -> nbformat.NotebookNode:
    """Only what grading reads: cell types, sources and nbgrader ids.

    Whatever else a submitted notebook holds (outputs, attachments, forged
    or malformed metadata) is dropped here, so nothing downstream sees it.
    """
    cells = []
    for cell in raw["cells"]:
        if not isinstance(cell, dict):
            continue
        kind = cell.get("cell_type")
        kind = kind if kind in ("code", "markdown") else "raw"
        meta = cell.get("metadata")
        nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
        gid = nbg.get("grade_id") if isinstance(nbg, dict) else None
        cells.append(
            nbformat.from_dict(
                {
                    "cell_type": kind,
                    "source": _text(cell.get("source", "")),
                    "metadata": {"nbgrader": {"grade_id": gid}}
                    if isinstance(gid, str)
                    else {},
                }
            )
        )
    meta = raw.get("metadata")
    chapter = None
    if isinstance(meta, dict) and isinstance(meta.get("llm_primer"), dict):
        chapter = meta["llm_primer"].get("chapter")
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    if isinstance(chapter, str):
        nb.metadata["llm_primer"] = {"chapter": chapter}
    return nb


def _read(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, f"{path.name} is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"{path.name} is not valid notebook JSON (line {exc.lineno})"
    except RecursionError:
        return None, f"{path.name} is nested too deeply to be a notebook"
    except OSError as exc:
        return None, f"{path.name} cannot be read ({exc.strerror})"
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        return None, f"{path.name} is JSON but not a notebook"
    return _clean(raw), None


def intake(chapter: str, folder: Path, source_ids: set[str]) -> Intake:
    """Choose the notebook to grade in a student's folder, or say why none."""
    if folder.is_symlink() or not folder.is_dir():
        return Intake(None, None, refusal="no submission folder (or it is a link)")
    # note: links are never followed: a link could point at another
    # student's work or at a file only the grader may read
    links = sorted(p.name for p in folder.glob("*.ipynb") if p.is_symlink())
    candidates = sorted(
        p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink()
    )
    if links and not candidates:
        return Intake(
            None,
            None,
            [f"ignored link {n}" for n in links],
            refusal="no notebook was submitted (links are not followed)",
        )
    if not candidates:
        return Intake(None, None, refusal="no notebook was submitted")
    found, problems, other = [], [], []
    for path in candidates:
        nb, problem = _read(path)
        if nb is None:
            problems.append(problem)
            continue
        ch = notebook_chapter(nb)
        if ch is None:
            ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
            ch = chapter if ids & source_ids else None
        if ch == chapter:
            found.append((path, nb))
        else:
            other.append(f"{path.name} is {ch or 'not a notebook of this course'}")
    notices = list(problems) + [f"ignored link {n}" for n in links]
    if not found:
        if other:
            return Intake(
                None,
                None,
                notices,
                refusal=f"wrong chapter: {'; '.join(other)}, not {chapter}",
            )
        return Intake(None, None, notices, refusal="; ".join(problems))
    # note: the canonical name wins; otherwise the first by name, so that
    # grading the same folder twice always picks the same notebook
    found.sort(key=lambda pn: (pn[0].name != f"{chapter}.ipynb", pn[0].name))
    path, nb = found[0]
    if path.name != f"{chapter}.ipynb":
        notices.append(f"graded {path.name} (expected the name {chapter}.ipynb)")
    if len(found) > 1:
        rest = ", ".join(p.name for p, _ in found[1:])
        notices.append(
            f"{len(found)} notebooks of {chapter}; graded {path.name}, ignored {rest}"
        )
    notices += [f"ignored {o}" for o in other]
    return Intake(nb, path.name, notices)


# --------------------------------------------------------------------------
# which code runs


_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.S)


def _visible(source: str) -> str:
    """A cell as students see it: hidden tests removed, ends trimmed."""
    return _HIDDEN.sub("", source).strip()


def plan_cells(
    source: nbformat.NotebookNode, sub: nbformat.NotebookNode
) -> tuple[list[tuple[str, str]], list[str]]:
    """The (label, code) cells to run and notices about the submission.

    Locked cells run as the source has them (an edit never changes the
    score, but is reported); test cells never run in the worker; answer
    cells and cells the student added run as submitted.
    """
    src_cells = {}
    for i, cell in enumerate(source.cells):
        meta = cell.metadata.get("nbgrader", {})
        src_cells[meta.get("grade_id")] = (i, cell, meta)
    notices: list[str] = []
    seen: set[str] = set()
    planned: list[tuple[float, str, str]] = []
    last = -1.0
    for n, cell in enumerate(sub.cells, 1):
        # note: a cleaned notebook (see _clean) holds only well-typed ids
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        known = src_cells.get(gid)
        if known is None:
            if cell.cell_type == "code" and cell.source.strip():
                planned.append(
                    (last + 0.5, f"<cell {n}: added by student>", cell.source)
                )
            continue
        i, scell, smeta = known
        last = float(i)
        if gid in seen and not smeta.get("solution"):
            notices.append(f"locked cell {gid} appears more than once; ran it once")
            continue
        seen.add(gid)
        if smeta.get("solution"):
            if cell.cell_type != "code":
                notices.append(
                    f"answer cell {gid} was turned into {cell.cell_type}; "
                    "its code was not run"
                )
            else:
                planned.append((float(i), f"<cell {n}: {gid}>", cell.source))
            continue
        if (
            _visible(cell.source) != _visible(scell.source)
            or cell.cell_type != scell.cell_type
        ):
            notices.append(f"locked cell {gid} was edited; the original was used")
        if smeta.get("grade"):
            continue  # test cells run here, in the trusted process
        if scell.cell_type == "code":
            planned.append((float(i), f"<cell {n}: {gid}>", scell.source))
    for gid, (i, scell, smeta) in src_cells.items():
        if gid in seen or gid is None:
            continue
        if smeta.get("solution"):
            notices.append(f"answer cell {gid} is missing")
        else:
            notices.append(f"locked cell {gid} was deleted; the original was used")
            if scell.cell_type == "code" and not smeta.get("grade"):
                planned.append((float(i), f"<restored {gid}>", scell.source))
    planned.sort(key=lambda t: t[0])  # stable: added cells keep their order
    return [(label, code) for _, label, code in planned], notices


# --------------------------------------------------------------------------
# grading


def _empty_result(chapter: str, student: str, reason: str, notices: list[str]) -> dict:
    maximum = exercise_points(chapter)
    exercises = {}
    for t in load_tests(chapter):
        entry = exercises.setdefault(
            t.exercise, {"score": 0.0, "max_score": maximum[t.exercise], "tests": []}
        )
        entry["tests"].append(
            {
                "exercise": t.exercise,
                "name": t.name,
                "points": t.points,
                "earned": 0.0,
                "public": t.public,
                "reason": reason,
                "hint": t.hint,
            }
        )
    return {
        "chapter": chapter,
        "student": student,
        "score": 0.0,
        "max_score": round(sum(maximum.values()), 6),
        "exercises": exercises,
        "cells": [],
        "notices": notices + [reason],
        "graded_file": None,
        "isolation": None,
    }


def grade_notebook(
    chapter: str,
    student: str,
    sub: nbformat.NotebookNode,
    source: nbformat.NotebookNode,
    limits: Limits | None = None,
    hide: list[Path] | None = None,
    notices: list[str] | None = None,
    exercises: list[str] | None = None,
) -> dict:
    """Run the submission in a worker and every test against it.

    ``exercises`` limits the tests to some exercises (the project's tests
    use it to stay fast); by default every test of the chapter runs.
    """
    cells, cell_notices = plan_cells(source, sub)
    notices = list(notices or []) + cell_notices
    maximum = exercise_points(chapter)
    if exercises is not None:
        maximum = {ex: maximum[ex] for ex in exercises}
    with WorkerSession(cells, limits, hide=hide) as session:
        session.start()
        student_obj = WorkerStudent(session)
        results = [
            run_test(t, student_obj)
            for t in load_tests(chapter)
            if exercises is None or t.exercise in exercises
        ]
        outcomes = [session.outcomes[i] for i in sorted(session.outcomes)]
        isolation = {
            "kind": session.isolation.kind,
            "note": session.isolation.note,
            "cgroup": session.isolation.cgroup,
        }
    scores = score_by_exercise(results)
    exercises = {}
    for r in results:
        entry = exercises.setdefault(
            r.exercise,
            {
                "score": scores[r.exercise],
                "max_score": maximum[r.exercise],
                "tests": [],
            },
        )
        entry["tests"].append(r.as_dict())
    return {
        "chapter": chapter,
        "student": student,
        "score": round(sum(scores.values()), 6),
        "max_score": round(sum(maximum.values()), 6),
        "exercises": exercises,
        "cells": [
            {"cell": o.label, "status": o.status, "error": o.error}
            for o in outcomes
            if o.status != "ok"
        ],
        "notices": notices,
        "isolation": isolation,
    }


def grade_folder(
    chapter: str,
    student: str,
    folder: Path,
    source_path: Path,
    limits: Limits | None = None,
    hide: list[Path] | None = None,
) -> dict:
    """Intake and grade one ``submitted/<student>/<chapter>/`` folder."""
    source = nbformat.read(source_path, as_version=4)
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells}
    found = intake(chapter, folder, ids - {None})
    if found.notebook is None:
        result = _empty_result(
            chapter, student, found.refusal or "nothing to grade", found.notices
        )
    else:
        try:
            result = grade_notebook(
                chapter, student, found.notebook, source, limits, hide, found.notices
            )
        except WorkerStartError:
            raise  # the grading machine's problem, not the student's
        except Exception as exc:
            log.exception("%s/%s could not be processed", student, chapter)
            result = _empty_result(
                chapter,
                student,
                f"the grader could not process this notebook ({type(exc).__name__}); "
                "ask your instructor",
                found.notices,
            )
    result["graded_file"] = found.chosen
    return result


def staged_notebook(
    sub: nbformat.NotebookNode | None, release: nbformat.NotebookNode
) -> nbformat.NotebookNode:
    """The notebook nbgrader autograde reads for one submission.

    Built from the release (its cells, metadata and ids), with each answer
    cell's source taken from the submission and the student's own added
    cells kept as plain cells. nbgrader never sees a student's metadata, so
    no forged or malformed notebook can upset it (or another student's
    grading in the same run).
    """
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    if sub is None:
        return nb
    ids = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    answers: dict[str, str] = {}
    extra: dict[str | None, list] = {}
    last = None
    for cell in sub.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in ids:
            last = gid
            if (
                ids[gid].metadata["nbgrader"].get("solution")
                and cell.cell_type == "code"
            ):
                answers.setdefault(gid, cell.source)
        elif cell.cell_type in ("code", "markdown") and cell.source.strip():
            new = (
                nbformat.v4.new_code_cell
                if cell.cell_type == "code"
                else nbformat.v4.new_markdown_cell
            )(cell.source)
            new.pop("id", None)
            extra.setdefault(last, []).append(new)
    cells = list(extra.get(None, []))
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
        cells.append(cell)
        cells += extra.get(gid, [])
    for i, cell in enumerate(cells):
        if "id" not in cell:
            cell["id"] = f"student-{i:04d}"
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def stage(
    chapter: str,
    student: str,
    folder: Path,
    staged: Path,
    result: dict,
    release_nb: Path,
) -> None:
    """Lay out what nbgrader autograde reads: one notebook, the timestamp."""
    staged.mkdir(parents=True, exist_ok=True)
    release = nbformat.read(release_nb, as_version=4)
    chosen = result.get("graded_file")
    sub = _read(folder / chosen)[0] if chosen else None
    try:
        nb = staged_notebook(sub, release)
    except Exception:  # a submission nbformat cannot represent
        nb = release
    nbformat.write(nb, staged / f"{chapter}.ipynb")
    stamp = folder / "timestamp.txt"
    if stamp.is_file() and not stamp.is_symlink():
        shutil.copy(stamp, staged / "timestamp.txt")
    (staged / "results.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
