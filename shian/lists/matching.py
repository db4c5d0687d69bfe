"""The keyed hash of the joint-punishment check (docs/lists.md §3): an ID number or USCC is matched as
HMAC-SHA256 under a key the database does not hold, so the table of listed identities gives no ID number back.

The key is `settings.LISTS_MATCH_KEY` when set (a secret of its own, so rotating SECRET_KEY's sessions does not
touch it), else one derived from SECRET_KEY. Changing the key makes every stored digest stale: run
`manage.py lists_rehash` after a change (it recomputes the digests from the current records)."""

import hashlib
import hmac

from django.conf import settings

from shian.core.masking import mask_id_number

DERIVE_LABEL = b"shian.lists.joint-punishment"


def _key() -> bytes:
    key = getattr(settings, "LISTS_MATCH_KEY", "") or ""
    if key:
        return key.encode() if isinstance(key, str) else bytes(key)
    return hmac.new(settings.SECRET_KEY.encode(), DERIVE_LABEL, hashlib.sha256).digest()


def normalise(value) -> str:
    """Upper case without spaces: `11010519491231002x ` and `11010519491231002X` are one number."""
    return "".join(str(value or "").split()).upper()


def digest(kind: str, value) -> str:
    """The hex HMAC-SHA256 of a normalised identifier, with its kind in the message (a USCC never matches an ID)."""
    text = normalise(value)
    if not text:
        return ""
    return hmac.new(_key(), f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()


def masked(value) -> str:
    return mask_id_number(normalise(value))
