"""Prompts: FIM templates per model family and chat prompts for actions and questions."""
