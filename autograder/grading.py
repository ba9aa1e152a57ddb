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
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat

from autograder.sandbox.session import Limits
from autograder.trusted import grade_folder, stage

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


# nbgrader reads submissions from here: one checked notebook per folder,
# with the trusted results beside it (submitted/ itself is never changed).
STAGING = "intake"


class GradingError(Exception):
    """Something an instructor must fix before grading can go on."""


def _nbgrader(root: Path, *args: str) -> None:
    cmd = [sys.executable, "-m", "nbgrader", *args]
    log.info("running: nbgrader %s", " ".join(args))
    env = dict(
        os.environ,
        MPLBACKEND="Agg",
        PYTHONIOENCODING="utf-8",
        JUPYTER_PREFER_ENV_PATH="1",
    )
    # nbgrader runs `alembic` from the environment's bin folder
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
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
    _nbgrader(
        root, "generate_assignment", chapter, "--force", "--CourseDirectory.root=."
    )
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
    """Students with a ``submitted/<student>/<chapter>/`` folder."""
    base = root / "submitted"
    if not base.exists():
        return []
    return sorted(
        p.name
        for p in base.iterdir()
        if (p / chapter).is_dir() and not p.name.startswith(".")
    )


def _register_students(root: Path, students: list[str]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for s in students:
            gb.update_or_create_student(s)


def _init_pool() -> None:
    # note: each pool process grades one submission at a time; BLAS or torch
    # threads on top of that only fight over the same cores
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"


def _trusted_job(
    chapter: str,
    student: str,
    folder: str,
    source: str,
    root: str,
    limits: Limits | None,
) -> dict:
    # note: runs in a pool process; the worker it starts hides `root`, where
    # the other submissions and the gradebook live
    logging.basicConfig(level=logging.WARNING)
    return grade_folder(
        chapter, student, Path(folder), Path(source), limits, hide=[Path(root)]
    )


def grade(
    chapter: str,
    root: Path,
    students: list[str] | None = None,
    jobs: int | None = None,
    limits: Limits | None = None,
) -> dict:
    """Grade every submission of ``chapter``; return {student: result}.

    Two phases. First each submission runs in a sandboxed worker while the
    graders score it here (``jobs`` submissions at a time). Then nbgrader's
    autograde records those scores in its gradebook (with its own locked-cell
    checks and late penalties) without executing anything itself.
    """
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
    source = root / "source" / chapter / f"{chapter}.ipynb"
    release_nb = root / "release" / chapter / f"{chapter}.ipynb"
    jobs = jobs or min(len(found), os.cpu_count() or 1)
    log.info("grading %d submission(s) of %s, %d at a time", len(found), chapter, jobs)
    trusted: dict[str, dict] = {}
    failed: dict[str, str] = {}
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=_init_pool
    ) as pool:
        futures = {
            pool.submit(
                _trusted_job,
                chapter,
                s,
                str(root / "submitted" / s / chapter),
                str(source),
                str(root),
                limits,
            ): s
            for s in found
        }
        for i, fut in enumerate(as_completed(futures), 1):
            s = futures[fut]
            try:
                trusted[s] = fut.result()
            except Exception as exc:  # the grader's own failure, not the student's
                failed[s] = f"{type(exc).__name__}: {exc}"
                log.error(
                    "[%d/%d] %s: could not be graded: %s", i, len(found), s, failed[s]
                )
                continue
            r = trusted[s]
            log.info(
                "[%d/%d] %s: %g/%g%s",
                i,
                len(found),
                s,
                r["score"],
                r["max_score"],
                f" ({len(r['notices'])} notices)" if r["notices"] else "",
            )
    staged_root = root / STAGING
    for s, r in trusted.items():
        folder = staged_root / s / chapter
        shutil.rmtree(folder, ignore_errors=True)
        stage(chapter, s, root / "submitted" / s / chapter, folder, r, release_nb)
    if trusted:
        args = [
            "autograde",
            chapter,
            "--force",
            "--CourseDirectory.root=.",
            f"--CourseDirectory.submitted_directory={STAGING}",
        ]
        if students:
            for s in sorted(trusted):
                _nbgrader(root, *args, f"--student={s}")
        else:
            _nbgrader(root, *args)
    results = {}
    for s in sorted(trusted):
        results[s] = record(chapter, s, root, trusted[s])
    if failed:
        raise GradingError(
            f"{len(failed)} submission(s) could not be graded: {sorted(failed)}; "
            "fix the cause logged above and rerun "
            f"`course grade {chapter} --student ...`"
        )
    return results


def record(chapter: str, student: str, root: Path, result: dict) -> dict:
    """Check nbgrader's gradebook against the trusted result; save it."""
    folder = root / "autograded" / student / chapter
    if not (folder / f"{chapter}.ipynb").exists():
        raise GradingError(
            f"nbgrader did not autograde {student}/{chapter}; run "
            f"`nbgrader autograde {chapter} --student={student} "
            f"--CourseDirectory.submitted_directory={STAGING}` to see why"
        )
    book = gradebook_scores(chapter, student, root)
    for ex, entry in result["exercises"].items():
        if abs(book.get(ex, 0.0) - entry["score"]) > 1e-6:
            raise GradingError(
                f"gradebook score of {student}/{chapter}/{ex} ({book.get(ex)}) differs "
                f"from the trusted score ({entry['score']}); regrade with --force"
            )
    (folder / "results.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return result


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
    notes = list(results.get("notices", [])) + [
        f"{c['cell']}: {c['status']}" + (f" ({c['error']})" if c.get("error") else "")
        for c in results.get("cells", [])
    ]
    if notes:
        rows.append("<h2>Notes on your notebook</h2><ul>")
        rows += [f"<li>{e(n)}</li>" for n in notes]
        rows.append("</ul>")
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
            if ok:
                detail = "passed"
            elif t["public"]:  # the reason is the check's own message
                detail = e(t["reason"])
            else:
                detail = f"{e(t['reason'])}<br><i>Hint: {e(t['hint'])}</i>"
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
        raise GradingError(
            f"no graded submissions of {chapter}; run `course grade {chapter}`"
        )
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
        w.writerow(["student_id", *chapters, "total", "max_total", "notices"])
        for s in students:
            got = [by.get((s, c)) for c in chapters]
            w.writerow(
                [s]
                + [f"{g['score']:g}" if g else "" for g in got]
                + [
                    f"{sum(g['score'] for g in got if g):g}",
                    f"{sum(g['max_score'] for g in got if g):g}",
                    " | ".join(
                        f"{c}: {n}"
                        for c, g in zip(chapters, got, strict=True)
                        if g
                        for n in g.get("notices", [])
                    ),
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
