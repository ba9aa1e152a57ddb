"""Instructor side of the course: builder, graders, grading pipeline, CLI."""
