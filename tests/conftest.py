"""Shared helpers of the project's tests."""

from __future__ import annotations

import importlib
from pathlib import Path

import nbformat
import pytest

from autograder.build import available_chapters, repo_root
from course.selfcheck import NamespaceStudent

ROOT = repo_root()
CHAPTERS = available_chapters(ROOT)


def release_namespace(chapter: str) -> dict:
    """Names a student has after running the untouched release's answer cells."""
    nb = nbformat.read(ROOT / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    namespace: dict = {"__name__": "__student__"}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (
            meta.get("solution") or meta.get("grade_id") == "setup"
        ):
            exec(compile(cell.source, f"<{meta['grade_id']}>", "exec"), namespace)
    return namespace


def stub_student(chapter: str) -> NamespaceStudent:
    return NamespaceStudent(release_namespace(chapter))


def reference(chapter: str):
    return importlib.import_module(f"solutions.{chapter}")


@pytest.fixture(params=CHAPTERS)
def chapter(request) -> str:
    return request.param


def pytest_report_header(config) -> list[str]:
    return [f"chapters: {', '.join(CHAPTERS) or '(none)'}", f"repo: {Path(ROOT)}"]
