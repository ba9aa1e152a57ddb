"""nbgrader configuration of the LLM Primer course.

The course directory is the folder holding this file: ``source/`` and
``release/`` are committed, and ``submitted/``, ``autograded/``,
``feedback/`` and ``gradebook.db`` are a class's working folders.
"""

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "llm-primer"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A whole chapter runs in well under a minute on one CPU core; a cell that
# takes longer than this is a student's runaway loop.
c.Execute.timeout = 120
c.Execute.kernel_name = "python3"
c.Execute.extra_arguments = ["--HistoryManager.enabled=False"]

# Student code must not be slowed or broken by a GUI backend.
c.Execute.interrupt_on_timeout = True

# Feedback is rendered by `course feedback` from the recorded per-test
# results; it never shows hidden test source.
c.GenerateFeedback.force = True

# Trusted grading: nbgrader does not execute student notebooks. `course
# grade` runs each one in a sandboxed worker, scores it in the grader's own
# process, and stages it under intake/ with results.json; nbgrader's
# autograde then records those scores (gradebook, locked-cell restore, late
# penalties) through the TrustedScores preprocessor instead of Execute.
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    LimitOutput,
    SaveAutoGrades,
)

from autograder.nbgrader_trusted import TrustedScores  # noqa: E402

c.Autograde.autograde_preprocessors = [
    TrustedScores,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
