"""Source files: manifests, fetching with checksum verification, and readers."""
