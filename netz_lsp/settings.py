"""Server settings (section `netz`): a pydantic model and the merge that keeps valid values.

Settings arrive as `initializationOptions` and in `workspace/didChangeConfiguration`. A new
value replaces the old one only when it is valid. Each invalid value is reported with its key
and the reason, and the previous value stays in force.
"""

from __future__ import annotations

import copy
import difflib
import os
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from netz_lsp import defaults
from netz_lsp.context.budgets import effective_token_budget, model_limits
from netz_lsp.prompt.families import ModelFamily, detect_family

Profile = Literal["auto", "fast", "balanced", "code", "accurate"]
PROFILES: tuple[str, ...] = ("auto", "fast", "balanced", "code", "accurate")


class _SettingsModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ModelOptions(_SettingsModel):
    """Per-model overrides; unset fields fall back to the table in `defaults.py`."""

    num_ctx: int | None = Field(default=None, gt=0, le=1_048_576)
    num_predict: int | None = Field(default=None, gt=0, le=32_768)
    family: ModelFamily | None = None
    completion_budget: int | None = Field(default=None, gt=0)
    code_action_budget: int | None = Field(default=None, gt=0)
    question_budget: int | None = Field(default=None, gt=0)


class RoleModels(_SettingsModel):
    completion: str = Field(default=defaults.COMPLETION_MODEL, min_length=1)
    chat: str = Field(default=defaults.CHAT_MODEL, min_length=1)
    question: str = Field(default=defaults.QUESTION_MODEL, min_length=1)


class ProfileModels(_SettingsModel):
    fast: str = Field(default=defaults.PROFILE_MODELS["fast"], min_length=1)
    balanced: str = Field(default=defaults.PROFILE_MODELS["balanced"], min_length=1)
    code: str = Field(default=defaults.PROFILE_MODELS["code"], min_length=1)
    accurate: str = Field(default=defaults.PROFILE_MODELS["accurate"], min_length=1)


def _check_http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError("expected an http:// or https:// URL with a host, e.g. http://127.0.0.1:11434 or http://127.0.0.1:8080/v1")
    return value.rstrip("/")


class Settings(_SettingsModel):
    backend: Literal["ollama", "openai"] = "ollama"
    ollama_host: str | None = None
    openai_base_url: str = defaults.DEFAULT_OPENAI_BASE_URL
    openai_api_key: str = ""
    models: RoleModels = Field(default_factory=RoleModels)
    profile: Profile = "auto"
    profile_models: ProfileModels = Field(default_factory=ProfileModels)
    model_options: dict[str, ModelOptions] = Field(default_factory=dict)
    debounce_ms: int = Field(default=defaults.DEBOUNCE_MS, ge=0, le=5000)
    request_timeout_s: float = Field(default=defaults.REQUEST_TIMEOUT_S, gt=0, le=3600)
    connect_timeout_s: float = Field(default=defaults.CONNECT_TIMEOUT_S, gt=0, le=600)
    keep_alive: str | int = defaults.KEEP_ALIVE
    max_loaded_models: int = Field(default=defaults.MAX_LOADED_MODELS, ge=1, le=16)
    preload: bool = True
    completion_enabled: bool = True
    completion_temperature: float = Field(default=defaults.COMPLETION_TEMPERATURE, ge=0, le=2)
    exclude: list[str] = Field(default_factory=list)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_prompts: bool = False
    # Enables `netz.debug.*` commands that return document text; meant for tests only.
    debug_commands: bool = False
    locale: str | None = None

    @field_validator("ollama_host", "openai_base_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return _check_http_url(value)

    def resolved_ollama_host(self) -> str:
        """Return the Ollama host: the setting, else `OLLAMA_HOST`, else the local default."""
        return self.ollama_host or normalize_ollama_host(os.environ.get("OLLAMA_HOST")) or defaults.DEFAULT_OLLAMA_HOST

    def backend_host(self) -> str:
        return self.resolved_ollama_host() if self.backend == "ollama" else self.openai_base_url

    def limits_for(self, model: str) -> defaults.ModelLimits:
        """Return the limits of `model`: the table's defaults with this model's overrides."""
        return model_limits(model, self.model_options.get(model))

    def token_budget(self, model: str, task: str) -> int:
        """Return the prompt budget of `model` for `task`, safely below `num_ctx - num_predict`."""
        return effective_token_budget(model, task, self.model_options.get(model))

    def family_for(self, model: str) -> ModelFamily | None:
        options = self.model_options.get(model)
        if options is not None and options.family is not None:
            return options.family
        return detect_family(model)


def normalize_ollama_host(value: str | None) -> str | None:
    """Turn `OLLAMA_HOST` forms such as `0.0.0.0`, `host:port` or a URL into a URL."""
    if not value:
        return None
    value = value.strip()
    if "://" not in value:
        value = "http://" + value
    parsed = urlparse(value)
    host = parsed.hostname or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    port = parsed.port or 11434
    if ":" in host:
        host = f"[{host}]"
    return f"{parsed.scheme}://{host}:{port}"


@dataclass(frozen=True)
class SettingError:
    """One rejected value: its dotted camelCase key, the value and why it was rejected."""

    key: str
    value: str
    reason: str


MAX_ERROR_VALUE_CHARS = 80


def unwrap_section(raw: Any) -> Any:
    """Accept `{...}`, `{"netz": {...}}` and `{"settings": {"netz": {...}}}` shapes."""
    if isinstance(raw, dict) and isinstance(raw.get("settings"), dict):
        raw = raw["settings"]
    if isinstance(raw, dict) and isinstance(raw.get("netz"), dict):
        raw = raw["netz"]
    return raw


def merge_settings(previous: Settings, raw: Any) -> tuple[Settings, list[SettingError]]:
    """Apply `raw` on top of `previous`; invalid keys keep their previous values."""
    raw = unwrap_section(raw)
    if raw is None:
        return previous, []
    if not isinstance(raw, dict):
        return previous, [SettingError(key="(all settings)", value=_short(raw), reason="expected an object of settings")]

    candidate = previous.model_dump(by_alias=True, mode="json")
    _deep_merge(candidate, raw)
    errors: list[SettingError] = []
    # Each round reverts the keys pydantic rejected; a bounded loop because a revert can
    # only remove errors, never add them.
    for _ in range(50):
        try:
            return Settings.model_validate(candidate), errors
        except ValidationError as error:
            for detail in error.errors():
                location = [str(part) for part in detail["loc"]]
                reason = detail["msg"]
                if detail["type"] == "extra_forbidden":
                    reason = _unknown_key_reason(location)
                errors.append(SettingError(key=".".join(location), value=_short(detail.get("input")), reason=reason))
                _revert(candidate, previous.model_dump(by_alias=True, mode="json"), location)
    return previous, errors


def _unknown_key_reason(location: list[str]) -> str:
    """Name the unknown key and suggest the closest known one, e.g. `debounceMS` → `debounceMs`."""
    nested_models: dict[str, type[BaseModel]] = {"models": RoleModels, "profileModels": ProfileModels, "modelOptions": ModelOptions}
    model = nested_models.get(location[0], Settings) if len(location) > 1 else Settings
    known = [info.alias or name for name, info in model.model_fields.items()]
    close = difflib.get_close_matches(location[-1], known, n=1, cutoff=0.6)
    if close:
        return f"unknown setting; did you mean `{close[0]}`?"
    return "unknown setting; see docs/protocol.md for the settings"


def _deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict) and key != "modelOptions":
            _deep_merge(target[key], value)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merged = copy.deepcopy(target[key])
            _deep_merge(merged, value)
            target[key] = merged
        else:
            target[key] = copy.deepcopy(value)


def _revert(candidate: dict[str, Any], previous: dict[str, Any], location: list[str]) -> None:
    """Restore `location` in `candidate` from `previous`, deleting it when it is new."""
    if not location:
        return
    # Walk to the deepest existing container of the location in both trees.
    target: Any = candidate
    source: Any = previous
    for depth, part in enumerate(location):
        last = depth == len(location) - 1
        if not isinstance(target, dict) or part not in target:
            return
        if last or not isinstance(target[part], dict):
            if isinstance(source, dict) and part in source:
                target[part] = copy.deepcopy(source[part])
            else:
                del target[part]
            return
        target = target[part]
        source = source.get(part) if isinstance(source, dict) else None


def _short(value: Any) -> str:
    text = repr(value)
    if len(text) > MAX_ERROR_VALUE_CHARS:
        text = text[: MAX_ERROR_VALUE_CHARS - 1] + "…"
    return text
