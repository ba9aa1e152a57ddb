"""Build nbgrader source notebooks from lesson files and reference solutions.

``course/chapters/<ch>.md`` (jupytext Markdown) gives the lesson cells and
one placeholder per exercise; ``solutions/<ch>.py`` gives each exercise's
signature, docstring and reference body. The result,
``source/<ch>/<ch>.ipynb``, is what nbgrader's ``generate_assignment`` reads.

The output is deterministic: the same inputs give a byte-identical notebook,
with no outputs and no execution counts.
"""

from __future__ import annotations

import ast
import logging
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from autograder.harness import exercise_points

log = logging.getLogger("autograder.build")

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


class BuildError(Exception):
    """A chapter's files do not follow docs/authoring.md."""


@dataclass(frozen=True)
class Exercise:
    id: str
    names: tuple[str, ...]


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def chapter_path(chapter: str, root: Path | None = None) -> Path:
    return (root or repo_root()) / "course" / "chapters" / f"{chapter}.md"


def solution_path(chapter: str, root: Path | None = None) -> Path:
    return (root or repo_root()) / "solutions" / f"{chapter}.py"


def available_chapters(root: Path | None = None) -> list[str]:
    """Chapters that have both a lesson file and a solution module."""
    base = root or repo_root()
    return sorted(
        p.stem
        for p in (base / "course" / "chapters").glob("ch*.md")
        if solution_path(p.stem, base).exists()
    )


# --------------------------------------------------------------------------
# solution module -> source text of each exercise


class SolutionModule:
    """The parsed reference module of one chapter."""

    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.lines = self.text.splitlines()
        tree = ast.parse(self.text, filename=str(path))
        self.setup: list[str] = []
        self.defs: dict[str, ast.FunctionDef | ast.ClassDef] = {}
        for i, node in enumerate(tree.body):
            if i == 0 and _is_docstring(node):
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.setup.append(self._segment(node))
            elif isinstance(node, ast.Assign | ast.AnnAssign) and all(
                isinstance(t, ast.Name) and t.id.isupper()
                for t in (
                    node.targets if isinstance(node, ast.Assign) else [node.target]
                )
            ):
                self.setup.append(self._segment(node))
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                if not ast.get_docstring(node):
                    raise BuildError(
                        f"{path}:{node.lineno}: `{node.name}` has no docstring; "
                        "the docstring is the exercise's spec"
                    )
                self.defs[node.name] = node
            else:
                raise BuildError(
                    f"{path}:{node.lineno}: only imports, UPPER_CASE constants and "
                    "exercise functions/classes may stand at top level "
                    "(see docs/authoring.md)"
                )

    def _segment(self, node: ast.AST) -> str:
        start = min(
            [node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]
        )
        return "\n".join(self.lines[start - 1 : node.end_lineno])

    def render(self, name: str) -> str:
        """Signature and docstring, with the body inside solution markers."""
        node = self.defs[name]
        return render_definition(self.lines, node)


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def render_definition(lines: list[str], node: ast.FunctionDef | ast.ClassDef) -> str:
    """Render ``node`` with every function body wrapped in solution markers.

    Class bodies keep their docstring and attributes; each method's body is
    wrapped on its own, so the release keeps every method's signature.
    """
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    if isinstance(node, ast.ClassDef):
        out: list[str] = []
        cursor = start
        for child in node.body:
            if isinstance(child, ast.FunctionDef):
                child_start = min(
                    [child.lineno] + [d.lineno for d in child.decorator_list]
                )
                out.extend(lines[cursor - 1 : child_start - 1])
                out.extend(_render_function(lines, child))
                cursor = child.end_lineno + 1
        out.extend(lines[cursor - 1 : node.end_lineno])
        return "\n".join(out)
    return "\n".join(_render_function(lines, node))


def _render_function(lines: list[str], node: ast.FunctionDef) -> list[str]:
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    body = node.body
    if not body or not _is_docstring(body[0]) or len(body) < 2:
        raise BuildError(
            f"line {node.lineno}: `{node.name}` needs a docstring and a body"
        )
    head_end = body[0].end_lineno
    first = body[1]
    indent = " " * first.col_offset
    return (
        lines[start - 1 : head_end]
        + [indent + BEGIN]
        + lines[head_end : node.end_lineno]
        + [indent + END]
    )


def strip_markers(text: str) -> str:
    """Source text without the solution marker lines (a 'perfect' answer)."""
    return "\n".join(
        line for line in text.splitlines() if line.strip() not in (BEGIN, END)
    )


# --------------------------------------------------------------------------
# chapter file -> notebook


def _nbgrader(grade_id: str, **flags) -> dict:
    meta = {
        "grade": False,
        "grade_id": grade_id,
        "locked": True,
        "schema_version": 3,
        "solution": False,
    }
    meta.update(flags)
    return {"nbgrader": meta}


def exercises_of(chapter: str, root: Path | None = None) -> list[Exercise]:
    """The exercises a chapter file declares, in order."""
    nb = jupytext.reads(chapter_path(chapter, root).read_text("utf-8"), fmt="md")
    found = []
    for cell in nb.cells:
        ex = cell.metadata.get("exercise")
        if ex:
            names = tuple(str(cell.metadata.get("names", ex)).split())
            found.append(Exercise(id=str(ex), names=names))
    return found


def test_cell_source(chapter: str, exercise: str) -> str:
    return "\n".join(
        [
            f"# Public checks of `{exercise}`; graded work runs hidden tests too.",
            f'check("{exercise}")',
            HIDDEN_BEGIN,
            "from autograder.nbhook import grade_exercise",
            "",
            f'grade_exercise("{chapter}", "{exercise}", globals())',
            HIDDEN_END,
        ]
    )


def build_notebook(chapter: str, root: Path | None = None) -> nbformat.NotebookNode:
    """Return the nbgrader source notebook of ``chapter``."""
    root = root or repo_root()
    text = chapter_path(chapter, root).read_text(encoding="utf-8")
    lesson = jupytext.reads(text, fmt="md")
    module = SolutionModule(solution_path(chapter, root))
    points = exercise_points(chapter)

    cells: list[nbformat.NotebookNode] = []
    used: set[str] = set()
    seen_ex: set[str] = set()
    n_lesson = 0
    for cell in lesson.cells:
        ex = cell.metadata.get("exercise")
        if ex is None:
            n_lesson += 1
            grade_id = f"lesson-{n_lesson:03d}"
            source = cell.source.strip("\n")
            if cell.cell_type == "markdown":
                new = nbformat.v4.new_markdown_cell(
                    source, metadata=_nbgrader(grade_id)
                )
            else:
                new = nbformat.v4.new_code_cell(source, metadata=_nbgrader(grade_id))
            new["id"] = grade_id
            cells.append(new)
            if len(cells) == 1:
                cells.append(_setup_cell(chapter, module))
            continue
        ex = str(ex)
        if ex in seen_ex:
            raise BuildError(f"{chapter}: exercise {ex!r} appears twice")
        seen_ex.add(ex)
        names = str(cell.metadata.get("names", ex)).split()
        missing = [n for n in names if n not in module.defs]
        if missing:
            raise BuildError(
                f"{chapter}: exercise {ex!r} names {missing}, which "
                f"solutions/{chapter}.py does not define"
            )
        used.update(names)
        if points.get(ex, 0) <= 0:
            raise BuildError(
                f"{chapter}: exercise {ex!r} has no graded tests; add @grader or "
                "@public_check functions for it"
            )
        body = "\n\n\n".join(module.render(n) for n in names)
        code = nbformat.v4.new_code_cell(
            body,
            metadata=_nbgrader(f"{ex}-code", solution=True, locked=False),
        )
        code["id"] = f"{ex}-code"
        test = nbformat.v4.new_code_cell(
            test_cell_source(chapter, ex),
            metadata=_nbgrader(ex, grade=True, points=_points(points[ex])),
        )
        test["id"] = ex
        cells += [code, test]

    unused = sorted(set(module.defs) - used)
    if unused:
        raise BuildError(
            f"{chapter}: solutions define {unused} but no exercise cell names them"
        )
    unknown = sorted(set(points) - seen_ex)
    if unknown:
        raise BuildError(f"{chapter}: graders test unknown exercises {unknown}")

    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
        # how `course grade` knows a notebook's chapter, whatever its file name
        "llm_primer": {"chapter": chapter},
    }
    nbformat.validate(nb)
    return nb


def _points(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


def _setup_cell(chapter: str, module: SolutionModule) -> nbformat.NotebookNode:
    lines = [
        "# Setup: run this cell first.",
        *module.setup,
        "from course.selfcheck import make_checker",
        "",
        f'check = make_checker("{chapter}", globals())',
    ]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata=_nbgrader("setup"))
    cell["id"] = "setup"
    return cell


def notebook_text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def build(chapter: str, root: Path | None = None) -> Path:
    """Write ``source/<ch>/<ch>.ipynb``; return its path."""
    root = root or repo_root()
    out = root / "source" / chapter / f"{chapter}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    text = notebook_text(build_notebook(chapter, root))
    if out.exists() and out.read_text(encoding="utf-8") == text:
        log.info("%s is up to date", out.relative_to(root))
    else:
        out.write_text(text, encoding="utf-8")
        log.info("wrote %s", out.relative_to(root))
    return out


def rename_definition(source: str, new_name: str) -> str:
    """Rename the first top-level ``def``/``class`` of ``source``.

    Used by the demo to paste a catalogued mistake in place of an exercise.
    """
    source = textwrap.dedent(source)
    return re.sub(
        r"^(\s*(?:def|class)\s+)(\w+)",
        lambda m: m.group(1) + new_name,
        source,
        count=1,
        flags=re.MULTILINE,
    )
