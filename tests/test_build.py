"""The builder and the release: deterministic, in sync, and leak-free."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.build import (
    BuildError,
    SolutionModule,
    build_notebook,
    notebook_text,
)
from autograder.grading import SENTINELS, release, scan_release
from tests.conftest import CHAPTERS, ROOT


def test_source_is_in_sync_and_deterministic(chapter):
    committed = (ROOT / "source" / chapter / f"{chapter}.ipynb").read_text("utf-8")
    first = notebook_text(build_notebook(chapter))
    assert notebook_text(build_notebook(chapter)) == first
    assert committed == first, f"source/ is stale: run `course build {chapter}`"
    assert '"output_type"' not in committed
    assert (
        '"execution_count": null' in committed or '"cell_type": "code"' not in committed
    )


def test_release_is_in_sync_and_leak_free(chapter, tmp_path):
    committed = ROOT / "release" / chapter / f"{chapter}.ipynb"
    assert scan_release(committed) == []
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "source" / chapter, tmp_path / "source" / chapter)
    fresh = release(chapter, tmp_path)
    assert fresh.read_text("utf-8") == committed.read_text("utf-8"), (
        f"release/ is stale: run `course release {chapter}`"
    )


def test_release_keeps_signatures_and_docstrings(chapter):
    """A student gets every exercise's signature and full spec."""
    text = (ROOT / "release" / chapter / f"{chapter}.ipynb").read_text("utf-8")
    module = SolutionModule(ROOT / "solutions" / f"{chapter}.py")
    for name, node in module.defs.items():
        assert f"{'class' if isinstance(node, ast.ClassDef) else 'def'} {name}" in text
        first_line = ast.get_docstring(node).splitlines()[0]
        assert first_line.replace('"', '\\"') in text


def test_scan_finds_planted_secrets(tmp_path):
    import nbformat

    for secret in SENTINELS:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"# {secret}")])
        path = tmp_path / "nb.ipynb"
        nbformat.write(nb, path)
        assert scan_release(path), secret


def _chapter_files(tmp_path: Path, chapter: str, lesson: str, solution: str) -> Path:
    (tmp_path / "course" / "chapters").mkdir(parents=True)
    (tmp_path / "solutions").mkdir()
    (tmp_path / "course" / "chapters" / f"{chapter}.md").write_text(lesson, "utf-8")
    (tmp_path / "solutions" / f"{chapter}.py").write_text(solution, "utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "solution, message",
    [
        ("def f(x):\n    return x\n", "no docstring"),
        ('x = 1\n\ndef f(x):\n    """Doc."""\n    return x\n', "top level"),
        ("print(1)\n", "top level"),
    ],
)
def test_builder_rejects_malformed_solutions(tmp_path, solution, message):
    root = _chapter_files(tmp_path, "chXX", "# t\n", solution)
    with pytest.raises(BuildError, match=message):
        SolutionModule(root / "solutions" / "chXX.py")


def test_builder_rejects_unknown_and_unused_names(tmp_path):
    chapter = CHAPTERS[0]
    lesson = '# t\n\n```python exercise="x" names="nope"\n```\n'
    solution = '"""M."""\n\n\ndef unused(a):\n    """Doc."""\n    return a\n'
    root = _chapter_files(tmp_path, chapter, lesson, solution)
    with pytest.raises(BuildError, match="does not define"):
        build_notebook(chapter, root)
    (root / "course" / "chapters" / f"{chapter}.md").write_text("# t\n", "utf-8")
    with pytest.raises(BuildError, match="no exercise cell names them"):
        build_notebook(chapter, root)


def test_course_package_imports_neither_solutions_nor_autograder():
    code = (
        "import sys, importlib, pkgutil, course, course.checks\n"
        "for m in pkgutil.walk_packages(course.__path__, 'course.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules\n"
        "       if m.split('.')[0] in ('solutions', 'autograder')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd="/")
