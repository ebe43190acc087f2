"""`netz-lsp bench`: speed, FIM accuracy and Turkish quality of the user's own models."""
