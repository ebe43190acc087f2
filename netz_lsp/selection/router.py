"""Choose the model for a code action or a question from the profile and the request."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from netz_lsp.i18n import message
from netz_lsp.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    """The chosen model, the rule that chose it (a stable key) and that rule in the user's words."""

    model: str
    rule: str
    reason: str


def route_action(settings: Settings, locale: str | None) -> Route:
    """Return the route of a code action: always the `models.chat` model."""
    model = settings.models.chat
    return Route(model=model, rule="action", reason=message("reason_action", locale, model=model))


def route_question(settings: Settings, about_code: bool, locale: str | None) -> Route:
    """Return the route of a question.

    A fixed profile sends every question to its own model. The `auto` profile sends a
    question about code (code selected or written in the question) to `models.chat` and
    any other question to `models.question`.
    """
    profile = settings.profile
    if profile != "auto":
        model = getattr(settings.profile_models, profile)
        return Route(model=model, rule=f"profile:{profile}", reason=message("reason_profile", locale, profile=profile, model=model))
    if about_code:
        model = settings.models.chat
        return Route(model=model, rule="auto:code", reason=message("reason_auto_code", locale, model=model))
    model = settings.models.question
    return Route(model=model, rule="auto:general", reason=message("reason_auto_general", locale, model=model))
