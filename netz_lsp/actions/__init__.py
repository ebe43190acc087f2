"""Code actions: what they act on, the edits they propose and the checks those edits pass."""
