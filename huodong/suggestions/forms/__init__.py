"""Forms of the suggestion pool and of the outcomes."""
