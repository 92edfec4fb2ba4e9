"""The HTTP service (FastAPI). Nothing else in SeMap imports from here."""
