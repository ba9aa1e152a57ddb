"""The ``course`` command: build, release, grade, feedback, export, demo."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from autograder import build as builder
from autograder import demo as demo_mod
from autograder import grading
from autograder.sandbox.session import Limits

log = logging.getLogger("course")


def _chapters(requested: list[str], root: Path) -> list[str]:
    available = builder.available_chapters(root)
    if not requested:
        if not available:
            raise grading.GradingError(
                f"no chapters found under {root / 'course/chapters'}"
            )
        return available
    unknown = [c for c in requested if c not in available]
    if unknown:
        raise grading.GradingError(
            f"unknown chapter(s) {unknown}; available: {', '.join(available)}"
        )
    return requested


def cmd_build(args) -> None:
    for ch in _chapters(args.chapters, args.repo):
        builder.build(ch, args.repo)


def cmd_release(args) -> None:
    for ch in _chapters(args.chapters, args.repo):
        builder.build(ch, args.repo)
        grading.release(ch, args.repo)


def _limits(args) -> Limits:
    return Limits(
        test_timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        memory=int(args.memory * 1024**3),
        submission=args.submission_time,
    )


def cmd_grade(args) -> None:
    results = grading.grade(
        args.chapter, args.root, args.student or None, args.jobs, _limits(args)
    )
    for student, r in results.items():
        print(f"{student}\t{r['score']:g}/{r['max_score']:g}")


def cmd_feedback(args) -> None:
    for path in grading.feedback(args.chapter, args.root):
        print(path)


def cmd_export(args) -> None:
    for path in grading.export(args.root, args.root / args.output):
        print(path)


def cmd_demo(args) -> None:
    repo, root = args.repo, args.root
    chapters = _chapters(args.chapters, repo)
    for ch in chapters:
        builder.build(ch, repo)
        grading.release(ch, repo)
    demo_mod.make_class(repo, root, chapters)
    results = {}
    written = []
    for ch in chapters:
        results[ch] = grading.grade(ch, root, None, args.jobs, _limits(args))
        written += grading.feedback(ch, root)
    written += grading.export(root, root / "grades.csv")
    print()
    print(demo_mod.table(results, chapters))
    print()
    print(f"course directory: {root}")
    print(f"submissions:      {root / 'submitted'}")
    print(f"autograded:       {root / 'autograded'} (results.json per submission)")
    print(f"gradebook:        {root / 'gradebook.db'}")
    for path in written:
        print(f"wrote:            {path}")


def _limit_options(p: argparse.ArgumentParser) -> None:
    d = Limits()
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="submissions graded at once (default: CPU cores)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=d.test_timeout,
        help=f"seconds of student code per hidden test ({d.test_timeout:g})",
    )
    p.add_argument(
        "--cell-timeout",
        type=float,
        default=d.cell_timeout,
        help=f"seconds per notebook cell ({d.cell_timeout:g})",
    )
    p.add_argument(
        "--memory",
        type=float,
        default=d.memory / 1024**3,
        help=f"GiB of memory for student code ({d.memory / 1024**3:g})",
    )
    p.add_argument(
        "--submission-time",
        type=float,
        default=d.submission,
        help="seconds of student code for a whole submission, "
        f"timeouts and restarts included ({d.submission:g})",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course", description="Build, release and grade the LLM Primer course."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--repo",
        type=Path,
        default=builder.repo_root(),
        help="course repository (lesson files, solutions); default: this checkout",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build source/<ch>/<ch>.ipynb from the lesson")
    p.add_argument("chapters", nargs="*", help="chapter ids (default: all)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("release", help="build, then nbgrader generate_assignment")
    p.add_argument("chapters", nargs="*", help="chapter ids (default: all)")
    p.set_defaults(func=cmd_release)

    for name, func, helptext in (
        ("grade", cmd_grade, "autograde submitted/<student>/<ch>/"),
        ("feedback", cmd_feedback, "write feedback/<student>/<ch>/<ch>.html"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("chapter")
        p.add_argument("--root", type=Path, default=Path.cwd(), help="course directory")
        if name == "grade":
            p.add_argument("--student", action="append", help="only this student")
            _limit_options(p)
        p.set_defaults(func=func)

    p = sub.add_parser("export", help="write grades.csv (UTF-8)")
    p.add_argument("--root", type=Path, default=Path.cwd(), help="course directory")
    p.add_argument("-o", "--output", default="grades.csv", help="file name under root")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help="grade a sample class end to end")
    p.add_argument("chapters", nargs="*", help="chapter ids (default: all)")
    p.add_argument(
        "--root",
        type=Path,
        default=Path("demo-class"),
        help="where to lay out the class",
    )
    _limit_options(p)
    p.set_defaults(func=cmd_demo)

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if hasattr(args, "root"):
        args.root = args.root.resolve()
    args.repo = args.repo.resolve()
    try:
        args.func(args)
    except (grading.GradingError, builder.BuildError) as exc:
        print(f"course {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
