"""Release, autograde, feedback and export, driving nbgrader.

The course directory (``root``) is an nbgrader course: ``source/`` and
``release/`` hold the chapters, ``submitted/<student>/<ch>/`` what students
handed in. nbgrader keeps its gradebook (``gradebook.db``); next to each
autograded notebook this module writes ``results.json`` with per-test
outcomes, which feedback and the export read.
"""

from __future__ import annotations

import csv
import html
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.harness import exercise_points, load_tests
from autograder.nbhook import RESULT_MIME

log = logging.getLogger("autograder.grading")

# Strings that must never appear in a released notebook.
SENTINELS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "autograder",
    "solutions",
    "grade_exercise",
)


class GradingError(Exception):
    """Something an instructor must fix before grading can go on."""


def _nbgrader(root: Path, *args: str) -> None:
    cmd = [sys.executable, "-m", "nbgrader", *args]
    log.info("running: nbgrader %s", " ".join(args))
    env = dict(
        os.environ, MPLBACKEND="Agg", PYTHONIOENCODING="utf-8", JUPYTER_PREFER_ENV_PATH="1"
    )
    proc = subprocess.run(
        cmd, cwd=root, env=env, capture_output=True, text=True, encoding="utf-8"
    )
    for line in proc.stderr.splitlines():
        if " ERROR" in line or "[ERROR]" in line:
            log.warning("nbgrader: %s", line)
        else:
            log.debug("nbgrader: %s", line)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.splitlines()[-15:])
        raise GradingError(
            f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n{tail}"
        )


def release(chapter: str, root: Path) -> Path:
    """Run nbgrader generate_assignment; check the release holds no secrets."""
    src = root / "source" / chapter / f"{chapter}.ipynb"
    if not src.exists():
        raise GradingError(f"{src} does not exist; run `course build {chapter}` first")
    _nbgrader(root, "generate_assignment", chapter, "--force", "--CourseDirectory.root=.")
    out = root / "release" / chapter / f"{chapter}.ipynb"
    _normalize(out)
    leaks = scan_release(out)
    if leaks:
        raise GradingError(f"{out} leaks {leaks}; fix the chapter's test cells")
    log.info("released %s", out.relative_to(root))
    return out


def _normalize(path: Path) -> None:
    """Rewrite a notebook in the builder's canonical form (stable diffs)."""
    nb = nbformat.read(path, as_version=4)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def scan_release(path: Path) -> list[str]:
    """Sentinel strings, outputs or attachments found in a released notebook."""
    text = path.read_text(encoding="utf-8")
    found = [s for s in SENTINELS if s in text]
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        if cell.get("outputs") or cell.get("execution_count"):
            found.append(f"outputs in cell {cell.get('id')}")
        if cell.get("attachments"):
            found.append(f"attachments in cell {cell.get('id')}")
    return found


def ensure_in_gradebook(chapter: str, root: Path) -> None:
    """nbgrader autograde needs the assignment in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    db = root / "gradebook.db"
    if db.exists():
        with Gradebook(f"sqlite:///{db}") as gb:
            try:
                gb.find_assignment(chapter)
                return
            except MissingEntry:
                pass
    release(chapter, root)


def submissions(chapter: str, root: Path) -> list[str]:
    base = root / "submitted"
    if not base.exists():
        return []
    return sorted(
        p.name for p in base.iterdir() if (p / chapter).is_dir() and not p.name.startswith(".")
    )


def _register_students(root: Path, students: list[str]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for s in students:
            gb.update_or_create_student(s)


def grade(chapter: str, root: Path, students: list[str] | None = None) -> dict:
    """Autograde every submission of ``chapter``; return {student: result}."""
    ensure_in_gradebook(chapter, root)
    found = submissions(chapter, root)
    if students:
        unknown = sorted(set(students) - set(found))
        if unknown:
            raise GradingError(
                f"no submission of {chapter} for {unknown} under {root / 'submitted'}"
            )
        found = [s for s in found if s in students]
    if not found:
        raise GradingError(
            f"nothing to grade: put notebooks at submitted/<student>/{chapter}/ "
            f"under {root} (or run `course demo`)"
        )
    _register_students(root, found)
    log.info("autograding %d submission(s) of %s", len(found), chapter)
    if students:
        for student in found:
            _nbgrader(root, "autograde", chapter, "--force", f"--student={student}",
                      "--CourseDirectory.root=.")
    else:
        _nbgrader(root, "autograde", chapter, "--force", "--CourseDirectory.root=.")
    results = {}
    for i, student in enumerate(found, 1):
        if not (root / "autograded" / student / chapter / f"{chapter}.ipynb").exists():
            log.error("[%d/%d] %s: nbgrader could not grade this submission; "
                      "see `nbgrader autograde %s --student=%s` for details",
                      i, len(found), student, chapter, student)
            continue
        results[student] = collect(chapter, student, root)
        log.info("[%d/%d] %s: %g/%g", i, len(found), student,
                 results[student]["score"], results[student]["max_score"])
    return results


def collect(chapter: str, student: str, root: Path) -> dict:
    """Read per-test outcomes from an autograded notebook; write results.json."""
    folder = root / "autograded" / student / chapter
    path = folder / f"{chapter}.ipynb"
    maximum = exercise_points(chapter)
    per_ex: dict[str, dict] = {}
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        ex = meta["grade_id"]
        tests = None
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if RESULT_MIME in data:
                tests = data[RESULT_MIME]["tests"]
        per_ex[ex] = {"tests": tests}
    # Exercises whose hidden tests never ran (the cell errored before them)
    # get every test recorded as not run, so feedback can say so.
    results = {"chapter": chapter, "student": student, "exercises": {}}
    score_total = 0.0
    scores = gradebook_scores(chapter, student, root)
    for test in load_tests(chapter):
        entry = results["exercises"].setdefault(
            test.exercise,
            {"score": scores.get(test.exercise, 0.0), "max_score": maximum[test.exercise], "tests": []},
        )
        recorded = per_ex.get(test.exercise, {}).get("tests") or []
        match = next((r for r in recorded if r["name"] == test.name), None)
        if match is None:
            match = {
                "exercise": test.exercise,
                "name": test.name,
                "points": test.points,
                "earned": 0.0,
                "public": test.public,
                "reason": "not run: the test cell stopped before this test",
                "hint": test.hint,
            }
        entry["tests"].append(match)
    for entry in results["exercises"].values():
        score_total += entry["score"]
    results["score"] = round(score_total, 6)
    results["max_score"] = round(sum(maximum.values()), 6)
    (folder / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return results


def gradebook_scores(chapter: str, student: str, root: Path) -> dict[str, float]:
    """Per-exercise scores nbgrader recorded (the gradebook is the record)."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook(chapter, chapter, student)
        for g in sub.grades:
            if g.cell_type == "code":
                out[g.name] = float(g.score)
    return out


# --------------------------------------------------------------------------
# feedback


_CSS = """
body { font-family: sans-serif; max-width: 52em; margin: 2em auto; color: #222 }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em }
th, td { border-bottom: 1px solid #ddd; padding: .35em .5em; text-align: left;
         vertical-align: top }
.pass { color: #1a7f37 } .fail { color: #b42318 }
.score { font-variant-numeric: tabular-nums; white-space: nowrap }
"""


def _title(name: str) -> str:
    return re.sub(r"^test_", "", name).replace("_", " ")


def render_feedback(results: dict) -> str:
    """HTML feedback: per test its name, points and, if failed, reason and hint."""
    e = html.escape
    rows = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(results['chapter'])} feedback for {e(results['student'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(results['chapter'])}</h1>",
        f"<p>Student: <b>{e(results['student'])}</b> &middot; score "
        f"<b>{results['score']:g} / {results['max_score']:g}</b></p>",
    ]
    for ex, entry in results["exercises"].items():
        rows.append(
            f"<h2>{e(ex)} <span class='score'>({entry['score']:g} / "
            f"{entry['max_score']:g})</span></h2>"
        )
        rows.append(
            "<table><tr><th>test</th><th>kind</th><th>points</th><th>result</th></tr>"
        )
        for t in entry["tests"]:
            ok = t["earned"] >= t["points"]
            detail = "passed" if ok else f"{e(t['reason'])}<br><i>Hint: {e(t['hint'])}</i>"
            rows.append(
                f"<tr><td>{e(_title(t['name']))}</td>"
                f"<td>{'public' if t['public'] else 'hidden'}</td>"
                f"<td class='score'>{t['earned']:g} / {t['points']:g}</td>"
                f"<td class='{'pass' if ok else 'fail'}'>{detail}</td></tr>"
            )
        rows.append("</table>")
    rows.append("</body></html>")
    return "\n".join(rows) + "\n"


def feedback(chapter: str, root: Path) -> list[Path]:
    """Write feedback/<student>/<ch>/<ch>.html for every graded submission."""
    written = []
    base = root / "autograded"
    students = sorted(p.name for p in base.iterdir()) if base.exists() else []
    for student in students:
        res_path = base / student / chapter / "results.json"
        if not res_path.exists():
            continue
        results = json.loads(res_path.read_text(encoding="utf-8"))
        out = root / "feedback" / student / chapter / f"{chapter}.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_feedback(results), encoding="utf-8")
        written.append(out)
    if not written:
        raise GradingError(f"no graded submissions of {chapter}; run `course grade {chapter}`")
    log.info("wrote feedback for %d students", len(written))
    return written


# --------------------------------------------------------------------------
# export


def export(root: Path, out: Path) -> tuple[Path, Path]:
    """Write a wide CSV (student x chapter) and a long one (per exercise)."""
    rows = []
    base = root / "autograded"
    for res_path in sorted(base.glob("*/*/results.json")) if base.exists() else []:
        rows.append(json.loads(res_path.read_text(encoding="utf-8")))
    if not rows:
        raise GradingError("nothing graded yet; run `course grade <chapter>` first")
    chapters = sorted({r["chapter"] for r in rows})
    students = sorted({r["student"] for r in rows})
    by = {(r["student"], r["chapter"]): r for r in rows}
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", *chapters, "total", "max_total"])
        for s in students:
            got = [by.get((s, c)) for c in chapters]
            w.writerow(
                [s]
                + [f"{g['score']:g}" if g else "" for g in got]
                + [
                    f"{sum(g['score'] for g in got if g):g}",
                    f"{sum(g['max_score'] for g in got if g):g}",
                ]
            )
    long = out.with_name(out.stem + "-by-exercise.csv")
    with long.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "chapter", "exercise", "score", "max_score"])
        for (s, c), r in sorted(by.items()):
            for ex, entry in r["exercises"].items():
                w.writerow([s, c, ex, f"{entry['score']:g}", f"{entry['max_score']:g}"])
    log.info("wrote %s and %s", out, long)
    return out, long
