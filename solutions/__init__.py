"""Reference solutions, one module per chapter (never released)."""
