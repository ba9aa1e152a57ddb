"""Every source notebook (reference bodies in place) runs cleanly and fast."""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

BUDGET_S = 30.0


def test_source_notebook_executes(chapter, tmp_path, monkeypatch):
    nb = nbformat.read(ROOT / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    # the kernel inherits this; JupyterLab's inline backend is what students get
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # tiny tensors: one thread is much faster than two fighting on two cores
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    # The last cell reports the kernel's own CPU time: the budget is CPU
    # seconds, so a machine busy with other work does not fail the test.
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import resource as _r\n_u = _r.getrusage(_r.RUSAGE_SELF)\n"
            "print('CPU', _u.ru_utime + _u.ru_stime)"
        )
    )
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": tmp_path}},
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
    for cell in nb.cells[:-1]:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            results = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert results, f"test cell {meta['grade_id']} returned no score"
            assert float(results[-1].data["text/plain"]) == meta["points"]
            assert not [o for o in cell.outputs if o.get("name") == "stderr"]
    cpu = float(nb.cells[-1].outputs[0]["text"].split()[1])
    assert cpu < BUDGET_S, f"{chapter} took {cpu:.1f} CPU s (budget {BUDGET_S} s)"
    assert elapsed < 4 * BUDGET_S, f"{chapter} took {elapsed:.1f} s of wall time"
