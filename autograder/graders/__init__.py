"""Hidden graders, one module per chapter."""
