"""Practices (tenants), users, the acting context, and the audit log.

Every operation that changes data runs for an :class:`Actor`: the user doing it and the
practice it is done for. The command line builds the actor from ``--user``/``--practice``
(or ``CLEANCLAIM_USER``/``CLEANCLAIM_PRACTICE``); the API will build it from the session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cleanclaim.errors import NotFoundError, UsageError
from cleanclaim.storage.models import AuditEvent, Practice, User

ROLES = ("manager", "coder", "biller", "provider", "compliance", "admin")
SYSTEM_USER = "system"
DEFAULT_PRACTICE = "default"
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which practice."""

    user: str
    practice_key: str
    practice_id: int


def check_key(key: str, what: str) -> str:
    """Validate a slug used as a practice or payer key."""
    if not _KEY.match(key):
        raise UsageError(
            f"invalid {what} key {key!r}: use lower-case letters, digits, '-' or '_' (max 64)"
        )
    return key


def add_practice(
    session: Session,
    *,
    key: str,
    name: str,
    by: str,
    billing_npis: list[str] | None = None,
    tin: str | None = None,
    state: str | None = None,
    mac_jurisdiction: str | None = None,
) -> Practice:
    """Create a practice (a usage error if the key is taken)."""
    check_key(key, "practice")
    if by != SYSTEM_USER:
        get_user(session, by)
    if session.scalar(select(Practice).where(Practice.key == key)) is not None:
        raise UsageError(f"practice {key!r} already exists")
    practice = Practice(
        key=key,
        name=name,
        billing_npis=list(billing_npis or []),
        tin=tin,
        state=state.upper() if state else None,
        mac_jurisdiction=mac_jurisdiction,
        created_by=by,
        updated_by=by,
    )
    session.add(practice)
    session.flush()
    audit(session, by, practice.id, "create", "practice", key, {"name": name})
    return practice


def get_practice(session: Session, key: str, *, create_default: bool = True) -> Practice:
    """The practice named ``key``; the default practice is created on first use."""
    practice = session.scalar(select(Practice).where(Practice.key == key))
    if practice is None:
        if key == DEFAULT_PRACTICE and create_default:
            try:
                with session.begin_nested():
                    return add_practice(session, key=key, name="Default practice", by=SYSTEM_USER)
            except IntegrityError:  # another process created it at the same moment
                return session.scalars(select(Practice).where(Practice.key == key)).one()
        raise NotFoundError(f"no practice {key!r}; create it with: cleanclaim practices add {key}")
    return practice


def add_user(session: Session, *, name: str, roles: list[str], by: str) -> User:
    """Create a user with roles from :data:`ROLES`."""
    if by != SYSTEM_USER:
        get_user(session, by)
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise UsageError(f"unknown role(s) {', '.join(unknown)}; roles are: {', '.join(ROLES)}")
    if not name.strip():
        raise UsageError("a user needs a name")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise UsageError(f"user {name!r} already exists")
    user = User(name=name, roles=sorted(set(roles)), created_by=by, updated_by=by)
    session.add(user)
    session.flush()
    audit(session, by, None, "create", "user", name, {"roles": user.roles})
    return user


def get_user(session: Session, name: str) -> User:
    """The user named ``name``; the built-in ``system`` user always exists."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        if name == SYSTEM_USER:
            user = User(
                name=SYSTEM_USER, roles=["admin"], created_by=SYSTEM_USER, updated_by=SYSTEM_USER
            )
            session.add(user)
            session.flush()
            return user
        raise NotFoundError(f"no user {name!r}; create it with: cleanclaim users add {name}")
    if not user.active:
        raise UsageError(f"user {name!r} is disabled")
    return user


def actor(session: Session, user: str, practice: str) -> Actor:
    """Resolve ``--user`` and ``--practice`` into an :class:`Actor`."""
    get_user(session, user)
    p = get_practice(session, practice)
    return Actor(user=user, practice_key=p.key, practice_id=p.id)


def audit(
    session: Session,
    user: str,
    practice_id: int | None,
    action: str,
    entity: str,
    entity_key: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an audit event. Callers pass identifiers, never PHI."""
    session.add(
        AuditEvent(
            user_name=user,
            practice_id=practice_id,
            action=action,
            entity=entity,
            entity_key=entity_key,
            detail=detail or {},
        )
    )
