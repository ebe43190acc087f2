"""A small shop used as the workspace of the editor tests."""
