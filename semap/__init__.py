"""SeMap: the open map service for Seoul's social economy."""

__version__ = "0.1.0"
