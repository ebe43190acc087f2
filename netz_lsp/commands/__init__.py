"""Terminal commands of `netz-lsp`: complete, doctor, bench."""
