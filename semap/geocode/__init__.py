"""Address normalization and geocoding: one interface, small provider adapters, wrappers for cache and rate."""
