"""Writes of the suggestion pool (`pool`) and of the outcomes (`outcomes`)."""
