"""Failures a backend can report, each mapped to one user message."""

from __future__ import annotations


class BackendError(Exception):
    """A backend request failed; `kind` selects the user message, the rest fills it in."""

    kind = "backend_http_error"

    def __init__(self, detail: str, *, backend: str, host: str, model: str = "", status: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.backend = backend
        self.host = host
        self.model = model
        self.status = status


class BackendUnreachable(BackendError):
    kind = "backend_unreachable"


class ModelNotFound(BackendError):
    kind = "model_not_found"


class BackendHTTPError(BackendError):
    kind = "backend_http_error"


class BackendTimeout(BackendError):
    kind = "backend_timeout"


class StreamInterrupted(BackendError):
    kind = "stream_interrupted"


class MalformedStream(BackendError):
    kind = "malformed_stream"


class FimNotSupported(BackendError):
    kind = "fim_not_supported"


class EndpointNotFound(BackendError):
    """HTTP 404 for the API path itself, not for a model: usually a base URL without `/v1`."""

    kind = "endpoint_not_found"

    def __init__(self, detail: str, *, path: str, **context):
        super().__init__(detail, **context)
        self.path = path
