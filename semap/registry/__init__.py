"""Registries: declared source formats, reading, validation with rejects, and cross-registry deduplication."""
