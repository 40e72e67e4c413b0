"""Who is asking: the credentials the emulator accepts, and the user id they stand for."""

from __future__ import annotations

import dataclasses

from starlette.requests import Request

from ._store import user_id_for

__all__ = ["Auth", "authenticate"]


@dataclasses.dataclass(frozen=True)
class Auth:
    """Which credentials are accepted: None means any non-empty ones."""

    key_pairs: frozenset[tuple[str, str]] | None = None
    tokens: frozenset[str] | None = None


def authenticate(request: Request, auth: Auth) -> str | None:
    """The caller's user id, or None. Keys are hashed into the id and never stored or logged."""
    bearer = request.headers.get("authorization", "")
    if bearer[:7].lower() == "bearer " and bearer[7:].strip():
        token = bearer[7:].strip()
        if auth.tokens is not None and token not in auth.tokens:
            return None
        return user_id_for("token\0" + token)
    api_key = request.headers.get("dd-api-key", "").strip()
    app_key = request.headers.get("dd-application-key", "").strip()
    if not api_key or not app_key:
        return None
    if auth.key_pairs is not None and (api_key, app_key) not in auth.key_pairs:
        return None
    return user_id_for("keys\0" + api_key + "\0" + app_key)
