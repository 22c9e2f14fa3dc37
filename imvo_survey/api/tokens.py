"""Personal API tokens: made and revoked by their owner, kept only as a SHA-256 hash.

The token itself is shown once, when it is made; what is stored (hash and a short
prefix to recognise it in the list) cannot be used to call the API. Only staff
(secretariat and analysts) get tokens: respondents have no business with the API.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import STAFF_ROLES, ApiToken, User, utcnow

#: Marks a string as one of ours (and makes a leaked token easy to find in logs and code).
TOKEN_MARK = "imvo_"  # noqa: S105 - a prefix, not a secret
#: Characters of the token kept in clear, to recognise it in the list.
PREFIX_LENGTH = 12
#: Roles that may hold and use a token.
TOKEN_ROLES = STAFF_ROLES


class TokenError(ValueError):
    """A token that may not be made (a respondent asked for one)."""


def hash_token(token: str) -> str:
    """The SHA-256 of a token, hex: what the database keeps and what a request is checked against."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def may_hold_token(user: User) -> bool:
    """Active staff only."""
    return bool(user.is_active) and user.role in TOKEN_ROLES


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the stored row and the token itself (to show once)."""
    if not may_hold_token(user):
        raise TokenError("Only active secretariat staff and analysts can have an API token.")
    token = TOKEN_MARK + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip(), token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH])
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke_token(row: ApiToken) -> None:
    """Stop a token from working; the row stays, so the list shows when it was revoked."""
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones too)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def find_token(token: str) -> ApiToken | None:
    """The stored row for a presented token, whatever its state (the caller judges it)."""
    if not token:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
