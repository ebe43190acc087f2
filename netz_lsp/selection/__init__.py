"""Which model serves a request, and which models Ollama keeps loaded."""
