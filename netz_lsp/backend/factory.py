"""Build the configured backend from the settings."""

from __future__ import annotations

from netz_lsp.backend.ollama_backend import OllamaBackend
from netz_lsp.backend.openai_backend import OpenAICompatibleBackend
from netz_lsp.settings import Settings


def create_backend(settings: Settings) -> OllamaBackend | OpenAICompatibleBackend:
    if settings.backend == "openai":
        return OpenAICompatibleBackend(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key,
            timeout_s=settings.request_timeout_s,
            connect_timeout_s=settings.connect_timeout_s,
        )
    return OllamaBackend(
        host=settings.resolved_ollama_host(),
        timeout_s=settings.request_timeout_s,
        connect_timeout_s=settings.connect_timeout_s,
    )


def backend_identity(settings: Settings) -> tuple[str, ...]:
    """Return the settings a backend instance depends on; a change means building a new one."""
    return (
        settings.backend,
        settings.backend_host(),
        settings.openai_api_key,
        str(settings.request_timeout_s),
        str(settings.connect_timeout_s),
    )
