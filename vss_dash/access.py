"""Who may see and do what: the roles, and how a signed-in user gets one. Pure: no Streamlit.

Three roles. `viewer` (the press, presenters) sees press-safe measures only: the catalogue's
`public` flag decides. `leadership` sees every measure. `analyst` sees every measure and may
download exports and import reports.

Three profiles. `demo` (the default, `make run`) is open without sign-in: everyone is an analyst and
every page says so in a banner. `print` is the private server the briefing's PDF export starts on a
loopback port for a few seconds: it serves only a visitor whose URL holds its one-time token
(`VSS_PRINT_TOKEN`, made afresh for each export, and good only until `VSS_PRINT_TOKEN_EXPIRES`,
the end of that one export's time), so nobody else on the machine reads internal figures from it.
`production` requires sign-in through OpenID Connect (Streamlit's `st.login`, configured in
`[auth]` of secrets.toml) and refuses anonymous visitors; without an `[auth]` section it refuses
everyone (fail closed).

A signed-in user's role comes from `[access]` in secrets.toml: lists of e-mail addresses per
role, and/or group names per role matched against a claim of the identity token (default
`groups`). The strongest matching role wins; a user matched by nothing gets `default_role`
("viewer" unless set; "" refuses them).

Two checks come first. The token's issuer (`iss`) must be one the store expects: `[access]
issuer` (one URL or a list), else the issuer each configured provider's `server_metadata_url`
names (OpenID Discovery puts the metadata at the issuer + "/.well-known/openid-configuration");
a token from any other issuer is refused, whatever its e-mail or groups. The check is never off:
with sign-in configured, a provider whose metadata URL names no issuer (it does not end in the
discovery path) and no `[access] issuer` is a BadSettings that stops the sign-in page with its
reason, and with no issuer expected at all every token is refused. And an e-mail address
counts for a role only if the token says it is verified (`email_verified` true); an unverified
address is matched by nothing (`require_verified_email = false` turns this off, for a provider
that manages every address itself and sends no such claim).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from vss_dash import catalog
from vss_dash import settings as registry  # settings() below is this module's own

ROLES = ("viewer", "leadership", "analyst")  # weakest first
PROFILES = ("demo", "production", "print")
PRINT_TOKEN_MIN = 32  # characters of the print server's one-time token


@dataclass(frozen=True)
class Settings:
    profile: str = "demo"
    auth_configured: bool = False
    role_claim: str = "groups"
    emails: dict[str, frozenset[str]] = field(default_factory=dict)  # role -> addresses
    groups: dict[str, frozenset[str]] = field(default_factory=dict)  # role -> group names
    default_role: str = "viewer"
    issuers: frozenset[str] = frozenset()  # expected `iss`; empty: every token is refused
    require_verified_email: bool = True
    print_token: str = field(default="", repr=False)  # the print profile's one-time token
    print_expires: float = 0.0  # Unix time after which print_token lets nobody in

    @property
    def open(self) -> bool:
        return self.profile == "demo"


def print_role(s: Settings, token: object, now: float | None = None) -> str | None:
    """The print server's visitor is an analyst if the URL's token is the server's (compared in
    constant time) and its export's time is not over (`print_expires`, Unix seconds); anyone
    else, a visitor after that time, and every visitor of another profile get nothing here."""
    if s.profile != "print" or not s.print_token or not isinstance(token, str):
        return None
    if (time.time() if now is None else now) >= s.print_expires:
        return None  # spent: the token served one export, whatever the server still runs
    return "analyst" if hmac.compare_digest(token.encode(), s.print_token.encode()) else None


class BadSettings(ValueError):
    """secrets.toml or the environment names an unknown profile or role."""


def _strings(value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value.strip().casefold()})
    return frozenset(str(v).strip().casefold() for v in value)  # type: ignore[union-attr]


DISCOVERY = "/.well-known/openid-configuration"


def _issuer(url: object) -> str:
    return str(url).strip().rstrip("/")


def _providers(auth: object) -> dict[str, Mapping]:
    """The configured providers: [auth] itself when it names a client or metadata, and every
    [auth.<provider>] section."""
    if not isinstance(auth, Mapping):
        return {}
    out = {"[auth]": auth} if auth.get("client_id") or auth.get("server_metadata_url") else {}
    out |= {f"[auth.{k}]": v for k, v in auth.items() if isinstance(v, Mapping)}
    return out


def _metadata_issuers(auth: object) -> tuple[frozenset[str], list[str]]:
    """The issuers the providers' metadata URLs name, and the providers whose URL names none
    (it does not end in DISCOVERY)."""
    out, unnamed = set(), []
    for name, section in _providers(auth).items():
        url = str(section.get("server_metadata_url") or "").strip()
        if url.endswith(DISCOVERY):
            out.add(_issuer(url[: -len(DISCOVERY)]))
        else:
            unnamed.append(name)
    return frozenset(out), unnamed


def settings(secrets: Mapping[str, object], env: Mapping[str, str]) -> Settings:
    """The access settings from secrets.toml's `[auth]` and `[access]`, and the environment
    (VSS_PROFILE overrides `[access] profile`)."""
    section = secrets.get("access") or {}
    assert isinstance(section, Mapping)
    profile = registry.env("VSS_PROFILE", env) or str(section.get("profile", "demo"))
    if profile not in PROFILES:
        raise BadSettings(f"profile {profile!r}: expected one of {', '.join(PROFILES)}")
    default = str(section.get("default_role", "viewer"))
    if default not in (*ROLES, ""):
        raise BadSettings(f"default_role {default!r}: expected one of {', '.join(ROLES)} or ''")
    emails = section.get("emails") or {}
    groups = section.get("groups") or {}
    assert isinstance(emails, Mapping) and isinstance(groups, Mapping)
    for name in (*emails, *groups):
        if name not in ROLES:
            raise BadSettings(f"role {name!r} in [access]: expected one of {', '.join(ROLES)}")
    auth = secrets.get("auth")
    configured = section.get("issuer")
    if configured is not None and not isinstance(configured, str | Iterable):
        raise BadSettings(f"issuer {configured!r}: expected a URL or a list of URLs")
    if isinstance(configured, str):
        configured = [configured]
    issuers = frozenset(_issuer(u) for u in configured or () if str(u).strip())
    token = (registry.env("VSS_PRINT_TOKEN", env) or "") if profile == "print" else ""
    if profile == "print" and len(token) < PRINT_TOKEN_MIN:
        raise BadSettings(f"profile 'print' needs VSS_PRINT_TOKEN of {PRINT_TOKEN_MIN}+ characters")
    expires = 0.0
    if profile == "print":
        try:
            expires = float(registry.env("VSS_PRINT_TOKEN_EXPIRES", env) or "")
        except ValueError:
            raise BadSettings(
                "profile 'print' needs VSS_PRINT_TOKEN_EXPIRES, the Unix time its token ends"
            ) from None
    if not issuers:
        issuers, unnamed = _metadata_issuers(auth)
        if unnamed and profile == "production":  # never sign in with the issuer check off
            raise BadSettings(
                f"{', '.join(unnamed)}: server_metadata_url does not end in {DISCOVERY}, so it "
                "names no issuer; set [access] issuer to the provider's issuer URL"
            )
    verified = section.get("require_verified_email", True)
    if not isinstance(verified, bool):
        raise BadSettings(f"require_verified_email {verified!r}: expected true or false")
    return Settings(
        profile=profile,
        auth_configured=isinstance(auth, Mapping)
        and bool(auth.get("client_id") or any(isinstance(v, Mapping) for v in auth.values())),
        role_claim=str(section.get("role_claim", "groups")),
        emails={r: _strings(v) for r, v in emails.items()},
        groups={r: _strings(v) for r, v in groups.items()},
        default_role=default,
        issuers=issuers,
        require_verified_email=verified,
        print_token=token,
        print_expires=expires,
    )


def role_for(claims: Mapping[str, object], s: Settings) -> str | None:
    """The role of a signed-in user from their identity-token claims; None if refused: a token
    from an issuer not expected (or with none) is refused outright, and so is every token when
    no issuer is expected at all: the check is never off."""
    if _issuer(claims.get("iss") or "") not in s.issuers:
        return None
    email = str(claims.get("email") or "").strip().casefold()
    if s.require_verified_email and not email_verified(claims):
        email = ""  # an address nobody vouched for matches no role
    raw = claims.get(s.role_claim)
    user_groups = _strings(raw if isinstance(raw, Iterable) else ([raw] if raw else []))
    for role in reversed(ROLES):  # strongest first
        if email and email in s.emails.get(role, frozenset()):
            return role
        if user_groups & s.groups.get(role, frozenset()):
            return role
    return s.default_role or None


def email_verified(claims: Mapping[str, object]) -> bool:
    """True only for a claim that says so: true, or "true" (some providers send a string)."""
    v = claims.get("email_verified")
    return v is True or (isinstance(v, str) and v.strip().lower() == "true")


def sees_internal(role: str | None) -> bool:
    return role in ("leadership", "analyst")


def can_see(role: str | None, measure: str) -> bool:
    return catalog.get(measure).public or sees_internal(role)


def visible(role: str | None, measures: Iterable[str]) -> list[str]:
    """`measures` without those the role may not see, in order."""
    return [m for m in measures if can_see(role, m)]


def can_export(role: str | None) -> bool:
    return role == "analyst"


def can_upload(role: str | None) -> bool:
    return role == "analyst"


class Attempts:
    """Failed guesses of a secret, across every session of the server: after `limit` failures
    within `window` seconds, no guess is checked until the oldest leaves the window (a new
    browser session does not reset it). Thread-safe; the clock is passed in, for tests."""

    def __init__(self, limit: int = 5, window: float = 300.0) -> None:
        self.limit, self.window = limit, window
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def _forget(self, now: float) -> None:
        while self._failures and self._failures[0] <= now - self.window:
            self._failures.popleft()

    def wait(self, now: float) -> float:
        """Seconds until a guess may be checked again (0: now)."""
        with self._lock:
            self._forget(now)
            if len(self._failures) < self.limit:
                return 0.0
            return self._failures[0] + self.window - now

    def failed(self, now: float) -> int:
        """Count a failure; the failures in the window."""
        with self._lock:
            self._forget(now)
            self._failures.append(now)
            return len(self._failures)
