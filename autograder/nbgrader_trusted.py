"""nbgrader preprocessor that writes trusted scores into test cells.

Used in place of nbgrader's ``Execute`` during ``nbgrader autograde`` (see
``nbgrader_config.py``): the student's notebook is not executed by nbgrader
at all. ``course grade`` has already run it in the sandboxed worker and put
``results.json`` beside the notebook; this preprocessor copies each
exercise's score into its test cell as a plain float in ``[0, points]``,
which nbgrader's ``SaveAutoGrades`` then records in the gradebook.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor


class MissingResults(RuntimeError):
    pass


class TrustedScores(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        folder = Path(resources.get("metadata", {}).get("path", "."))
        path = folder / "results.json"
        if not path.exists():
            raise MissingResults(
                f"{path} is missing: grade with `course grade <chapter>`, which runs "
                "the trusted grader before nbgrader autograde"
            )
        results = json.loads(path.read_text(encoding="utf-8"))
        self.exercises = results.get("exercises", {})
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            entry = self.exercises.get(meta.get("grade_id"), {})
            points = float(meta.get("points", 0))
            score = float(entry.get("score", 0.0))
            if not math.isfinite(score):
                score = 0.0
            score = min(max(score, 0.0), points)
            cell.outputs = [
                new_output(
                    "execute_result",
                    data={"text/plain": repr(round(score, 6))},
                    execution_count=None,
                )
            ]
        return cell, resources
