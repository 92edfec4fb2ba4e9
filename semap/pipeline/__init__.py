"""The build pipeline: sources -> validated, geocoded records -> the store."""
