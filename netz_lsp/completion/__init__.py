"""Inline completion: document → context → prompt → backend → post-processing."""
