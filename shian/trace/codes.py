"""The code printed on a batch (docs/trace.md §2): `<token>-<signature>`, where the token is random and the signature
is an HMAC of it keyed by SECRET_KEY (django.utils.crypto.salted_hmac), cut to 10 base32 characters. A forged code
fails the signature check before the database is asked; a revoked one is found and answered as revoked."""

import base64
import secrets

from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "shian.trace.code"
TOKEN_CHARS = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud or typed from a label
TOKEN_LENGTH = 8
SIGNATURE_LENGTH = 10


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_CHARS) for _ in range(TOKEN_LENGTH))


def signature(token: str) -> str:
    digest = salted_hmac(SALT, token, algorithm="sha256").digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def sign(token: str) -> str:
    return f"{token}-{signature(token)}"


def unsign(code: str) -> str | None:
    """The token of a well-formed code whose signature matches, else None (forged, mistyped or cut)."""
    text = str(code or "").strip().lower()
    if "/" in text:  # a whole scanned URL: the code is its last path segment
        text = [part for part in text.split("/") if part][-1] if text.strip("/") else ""
    token, _sep, sig = text.partition("-")
    if len(token) != TOKEN_LENGTH or len(sig) != SIGNATURE_LENGTH:
        return None
    return token if constant_time_compare(sig, signature(token)) else None


def public_path(token: str) -> str:
    return reverse("trace_public:scan", kwargs={"code": sign(token)})
