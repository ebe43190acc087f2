"""NETZ AI language server: local-model completions, code actions and questions over LSP."""

__version__ = "0.1.0"
