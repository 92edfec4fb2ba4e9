"""Statistics for researchers: pure functions over record tables."""
