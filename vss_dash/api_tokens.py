"""Personal API tokens (issue 30): what lets an analyst's workbook or script read the internal
measures from the data API (vss_dash/api.py) outside the open demo, where an anonymous client
gets the press-safe ones only. Pure: no Streamlit; the Data page (ui/data_tokens.py) makes,
lists and revokes them, the API checks them.

A token is `vss_` and 43 characters of `secrets.token_urlsafe(32)` (256 random bits), sent as
`Authorization: Bearer vss_...`. It is shown once, when it is made: the store keeps its SHA-256
(`digest`), never the secret, beside its record (`Token`): who made it (`owner`, the issuer and
subject of their sign-in), their label, the role they had then (analyst or leadership: the token
keeps it until it ends), when it was made, when it expires (DAYS after, by default), when it was
revoked and last used (written at most every TOUCH_EVERY, so that a refresh every minute does not
write every minute). Storage: store.api_tokens & co. (api_tokens.json beside a Parquet store,
vss.api_tokens on PostgreSQL).

`verify` finds a presented secret's record by its digest (a secret that is not `vss_` and 43
such characters is refused before the store is read) and compares the digests in constant time
(hmac.compare_digest); a malformed, unknown, revoked or expired token raises `Refused`, which
the API answers with a 401: never served as an anonymous client.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from vss_dash import access, store

LOG = logging.getLogger(__name__)

PREFIX = "vss_"
SECRET_BYTES = 32  # secrets.token_urlsafe(32): 43 characters
DAYS = 90  # a token's life by default ...
MAX_DAYS = 366  # ... and at most
MAX_LABEL = 80  # characters of a label
MAX_ACTIVE = 20  # tokens in force per owner
TOUCH_EVERY = timedelta(hours=1)  # `last_used` is written at most this often
ROLES = ("leadership", "analyst")  # who may make one: the roles that see internal measures
_SHAPE = re.compile(rf"{PREFIX}[A-Za-z0-9_-]{{43}}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclasses.dataclass(frozen=True)
class Token:
    """A token's record, as the store keeps it (no secret)."""

    id: str
    hash: str = dataclasses.field(repr=False)  # SHA-256 of the secret, hex
    owner: str
    label: str
    role: str
    created: datetime
    expires: datetime
    revoked: datetime | None = None
    last_used: datetime | None = None

    def state(self, now: datetime) -> str:
        """The state at `now`: "active", "revoked" or "expired"."""
        if self.revoked is not None:
            return "revoked"
        return "expired" if now >= self.expires else "active"

    def record(self) -> dict[str, str | None]:
        """The record the store writes: the times in ISO 8601, UTC."""
        out = dataclasses.asdict(self)
        for k in ("created", "expires", "revoked", "last_used"):
            out[k] = _iso(out[k])
        return out

    @classmethod
    def of(cls, record: dict) -> Token:
        """The token a stored record holds (times as ISO text or datetimes)."""
        fields = {f.name for f in dataclasses.fields(cls)}
        got = {k: v for k, v in record.items() if k in fields}
        for k in ("created", "expires", "revoked", "last_used"):
            got[k] = _time(got.get(k))
        return cls(**got)


class Refused(Exception):
    """A presented token that gives no role: `reason` is "malformed", "unknown", "revoked" or
    "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _iso(t: datetime | None) -> str | None:
    return t.astimezone(UTC).isoformat() if t is not None else None


def _time(v: object) -> datetime | None:
    if v is None:
        return None
    t = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _where(where: Path | str | None) -> Path | str:
    return store.location() if where is None else where


# ---------------------------------------------------------------- secrets


def new_secret() -> str:
    """A new secret: PREFIX and 256 random bits, URL-safe."""
    return PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    """What the store keeps of a secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def well_formed(secret: object) -> bool:
    """True for a string shaped as `new_secret` makes them (nothing else is looked up)."""
    return isinstance(secret, str) and _SHAPE.fullmatch(secret) is not None


def bearer(header: str) -> str:
    """The secret of an `Authorization: Bearer <secret>` header; Refused("malformed") for any
    other header (another scheme, no secret, a secret of another shape)."""
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not well_formed(secret):
        raise Refused("malformed")
    return secret


# ---------------------------------------------------------------- who makes them


def owner_of(claims: dict) -> str:
    """Whose tokens these are: the issuer and subject of the sign-in's identity token (the
    e-mail address when a provider sends no subject); "" when there is neither."""
    who = str(claims.get("sub") or claims.get("email") or "").strip()
    return f"{str(claims.get('iss') or '').strip()} {who}" if who else ""


def may_make(settings: access.Settings, role: str | None) -> bool:
    """Tokens are made outside the open demo (where everyone is already an analyst) and the
    print server, by a role that sees the internal measures."""
    return settings.profile == "production" and role in ROLES


def clean_label(label: object) -> str:
    """A label as kept: control characters dropped, spaces trimmed, at most MAX_LABEL long."""
    return _CONTROL.sub("", str(label or "")).strip()[:MAX_LABEL]


# ---------------------------------------------------------------- making, listing, revoking


def make(
    owner: str,
    label: str,
    role: str,
    days: int = DAYS,
    where: Path | str | None = None,
    now: datetime | None = None,
) -> tuple[str, Token]:
    """A new token of `owner` with `role`, good for `days` (1 to MAX_DAYS): its secret (to show
    once) and its record, stored. ValueError for an owner missing, a role that may not make one,
    a bad number of days, or an owner who has MAX_ACTIVE tokens in force already."""
    if not owner:
        raise ValueError("a token needs its owner")
    if role not in ROLES:
        raise ValueError(f"role {role!r} may not make a token")
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValueError(f"days: 1 to {MAX_DAYS}")
    now = _now(now)
    where = _where(where)
    if sum(t.state(now) == "active" for t in owned(owner, where)) >= MAX_ACTIVE:
        raise ValueError(f"at most {MAX_ACTIVE} tokens in force")
    secret = new_secret()
    token = Token(
        id=uuid.uuid4().hex,
        hash=digest(secret),
        owner=owner,
        label=clean_label(label),
        role=role,
        created=now,
        expires=now + timedelta(days=int(days)),
    )
    store.add_api_token(where, token.record())
    return secret, token


def owned(owner: str, where: Path | str | None = None) -> list[Token]:
    """`owner`'s tokens, newest first (revoked and expired ones too)."""
    if not owner:
        return []
    tokens = [Token.of(r) for r in store.api_tokens(_where(where), owner=owner)]
    return sorted(tokens, key=lambda t: t.created, reverse=True)


def revoke(
    owner: str, token_id: str, where: Path | str | None = None, now: datetime | None = None
) -> bool:
    """Revoke `owner`'s token `token_id` (from now on a 401); False if they have no such token
    in force."""
    if not owner or not token_id:
        return False
    fields = {"revoked": _iso(_now(now))}
    return store.set_api_token(_where(where), token_id, fields, owner=owner)


# ---------------------------------------------------------------- checking one


def verify(secret: str, where: Path | str | None = None, now: datetime | None = None) -> Token:
    """The token of a presented secret, if it is in force; else Refused (malformed, unknown,
    revoked, expired). Its `last_used` is written when older than TOUCH_EVERY (a failure to
    write it is logged, not refused)."""
    if not well_formed(secret):
        raise Refused("malformed")
    where, now, wanted = _where(where), _now(now), digest(secret)
    record = store.api_token(where, wanted)
    if record is None or not hmac.compare_digest(str(record.get("hash", "")), wanted):
        raise Refused("unknown")
    token = Token.of(record)
    if token.role not in ROLES:  # a row no `make` wrote: it gives nothing
        raise Refused("unknown")
    if (state := token.state(now)) != "active":
        raise Refused(state)
    if token.last_used is None or now - token.last_used >= TOUCH_EVERY:
        try:
            store.set_api_token(where, token.id, {"last_used": _iso(now)})
        except Exception:  # the answer does not depend on it
            LOG.exception("api tokens: last use of %s not written", token.id)
    return token
