"""Model selection: routing requests to models and the models Ollama keeps loaded."""
