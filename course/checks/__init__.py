"""Public self-checks, one module per chapter."""
