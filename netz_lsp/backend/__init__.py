"""Backends: one request shape mapped onto Ollama's and OpenAI-compatible wire formats."""
