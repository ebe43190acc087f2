"""Syntax trees per open document, behind one adapter over py-tree-sitter."""
