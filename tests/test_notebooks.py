"""Every source notebook (reference bodies in place) runs cleanly and fast."""

from __future__ import annotations

import time

import nbformat
import pytest
from tests.conftest import ROOT
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

BUDGET_S = 30.0


def test_source_notebook_executes(chapter, tmp_path, monkeypatch):
    nb = nbformat.read(ROOT / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    # the kernel inherits this; JupyterLab's inline backend is what students get
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    errors = [
        out
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.output_type == "error"
    ]
    assert not errors, errors[0].get("evalue") if errors else ""
    figures = sum(
        1
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    )
    assert figures >= 1, "the lesson should draw at least one figure"
    # every test cell of the source scores full marks
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            results = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert results, f"test cell {meta['grade_id']} returned no score"
            assert float(results[-1].data["text/plain"]) == meta["points"]
            assert not [o for o in cell.outputs if o.get("name") == "stderr"]
    assert elapsed < BUDGET_S, f"{chapter} took {elapsed:.1f} s (budget {BUDGET_S} s)"
