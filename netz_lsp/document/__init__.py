"""Documents: text, positions in the client's encoding, and incremental edits."""
