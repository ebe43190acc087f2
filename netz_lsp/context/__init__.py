"""Context: the parts of the workspace that go into a prompt, cut to a token budget."""
