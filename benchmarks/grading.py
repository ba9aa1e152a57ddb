"""Trusted grading against plain nbgrader autograde, in one run.

Lays out a synthetic class (``--students`` submissions of one chapter: the
reference, the blank release, and each catalogued mistake in turn), then
grades it twice:

- trusted: ``course grade`` — each notebook in a sandboxed worker, graders
  in the trusted process, submissions in parallel on all cores, then
  nbgrader autograde recording the scores without executing anything;
- plain: ``nbgrader autograde`` with nbgrader's own preprocessors, which
  execute each notebook serially with the hidden tests inside the kernel.

Prints seconds per submission for both and their ratio (trusted / plain;
below 1.0 means trusted grading is faster). Timings are reported, never
asserted. Run from the repository root::

    python benchmarks/grading.py --chapter ch07_optimizers --students 30
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograder import demo, grading  # noqa: E402
from autograder.build import available_chapters  # noqa: E402

log = logging.getLogger("benchmarks.grading")

PLAIN_CONFIG = """
# benchmark peer: nbgrader's own autograde (executes in-kernel hidden tests)
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, Execute, IgnorePattern, LimitOutput,
    SaveAutoGrades,
)

c.Autograde.autograde_preprocessors = [
    Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
"""


def lay_out_class(root: Path, chapter: str, n: int) -> list[str]:
    demo.make_class(REPO, root, [chapter])
    release_nb = root / "release" / chapter / f"{chapter}.ipynb"
    from tests.mistakes import mistakes

    plans = [{}]  # the reference
    plans += [{m.replaces: m.obj} for m in mistakes(chapter)]
    students = []
    for i in range(n):
        sid = f"s{i:03d}"
        if i % 7 == 3:
            answers = None  # a blank hand-in
        else:
            answers = demo.answer_cells(chapter, REPO, plans[i % len(plans)])
        demo.write_submission(
            release_nb, root / "submitted" / sid / chapter / f"{chapter}.ipynb", answers
        )
        students.append(sid)
    for sample in demo.STUDENTS:
        shutil.rmtree(root / "submitted" / sample)
    return students


def run(chapter: str, n: int, jobs: int) -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        trusted_root, plain_root = base / "trusted", base / "plain"
        students = lay_out_class(trusted_root, chapter, n)
        shutil.copytree(trusted_root, plain_root)
        with (plain_root / "nbgrader_config.py").open("a", encoding="utf-8") as f:
            f.write(PLAIN_CONFIG)
        for root in (trusted_root, plain_root):
            grading.ensure_in_gradebook(chapter, root)

        log.info("trusted path: %d submissions, %d jobs", len(students), jobs)
        t0 = time.perf_counter()
        results = grading.grade(chapter, trusted_root, jobs=jobs)
        trusted_s = time.perf_counter() - t0
        log.info("trusted path took %.1f s", trusted_s)

        log.info("plain nbgrader autograde: %d submissions, serial", len(students))
        env = dict(os.environ, MPLBACKEND="Agg", JUPYTER_PREFER_ENV_PATH="1")
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env["PATH"]
        t0 = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "nbgrader",
                "autograde",
                chapter,
                "--force",
                "--CourseDirectory.root=.",
            ],
            cwd=plain_root,
            env=env,
            capture_output=True,
            text=True,
        )
        plain_s = time.perf_counter() - t0
        graded = len(list((plain_root / "autograded").glob(f"*/{chapter}/*.ipynb")))
        if proc.returncode != 0:
            # note: nbgrader exits 1 when any one notebook fails; the time
            # still counts, and the count below says how many it graded
            log.warning(
                "plain nbgrader exited %d:\n%s",
                proc.returncode,
                "\n".join(proc.stderr.splitlines()[-8:]),
            )

        scores = sorted(r["score"] for r in results.values())
        print(f"chapter:              {chapter}")
        print(
            f"submissions:          {len(students)} "
            f"(scores {scores[0]:g}..{scores[-1]:g})"
        )
        print(
            f"trusted (jobs={jobs}):     {trusted_s / len(students):.3f} s/submission"
        )
        print(
            f"plain nbgrader:       {plain_s / len(students):.3f} s/submission "
            f"({graded} of {len(students)} notebooks graded)"
        )
        print(f"ratio trusted/plain:  {trusted_s / plain_s:.2f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    chapters = available_chapters(REPO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="ch07_optimizers", choices=chapters)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    run(args.chapter, args.students, args.jobs)


if __name__ == "__main__":
    main()
