"""The six-digit sign-in code of a study session: RFC 6238 (TOTP) with HMAC-SHA1.

The organiser's screen shows the code of the current 30-second step; a code is accepted during
its own step and the next one, so a code read off the screen just before it turns over still
works. Pure functions of a session's secret and a moment: no database, no clock of their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import struct
import unicodedata
from dataclasses import dataclass
from enum import Enum

STEP_SECONDS = 30
DIGITS = 6
# Besides the current step, how many earlier steps are still accepted (scan latency).
ACCEPTED_PAST_STEPS = 1
# How far back a code is still recognised as "expired" rather than simply "wrong".
RECOGNISED_PAST_STEPS = 20
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA1


def new_secret() -> str:
    """A fresh random secret, hex-encoded (40 characters)."""
    return secrets.token_hex(SECRET_BYTES)


def _timestamp(at: dt.datetime | float) -> float:
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            raise ValueError("sign-in codes need an aware datetime")
        return at.timestamp()
    return float(at)


def step_of(at: dt.datetime | float) -> int:
    """The number of the 30-second step `at` falls in (T in RFC 6238, with T0 = 0)."""
    return int(_timestamp(at) // STEP_SECONDS)


def seconds_left(at: dt.datetime | float) -> int:
    """Whole seconds until the code shown at `at` turns over (1..30)."""
    elapsed = _timestamp(at) % STEP_SECONDS
    return max(1, STEP_SECONDS - int(elapsed))


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226: the HMAC-SHA1 one-time password of `counter`, zero-padded to `digits`."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    binary = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % (10**digits)).zfill(digits)


def _key(secret: str) -> bytes:
    return bytes.fromhex(secret)


def code_at(secret: str, at: dt.datetime | float) -> str:
    """The code a session with `secret` shows at `at`."""
    return hotp(_key(secret), step_of(at))


def normalise(code: str) -> str:
    """What the person typed, as plain ASCII digits: full-width digits (an IME's １２３) and
    spaces or dashes between groups are accepted."""
    folded = unicodedata.normalize("NFKC", code or "")
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "-–—")


class Check(Enum):
    VALID = "valid"
    EXPIRED = "expired"  # a code this session showed a little while ago
    WRONG = "wrong"  # malformed, or never shown recently


@dataclass(frozen=True)
class Verdict:
    check: Check
    step: int | None = None  # the step whose code matched

    @property
    def ok(self) -> bool:
        return self.check is Check.VALID


def verify(secret: str, code: str, at: dt.datetime | float) -> Verdict:
    """Whether `code` is the current code at `at` (or the previous one)."""
    typed = normalise(code)
    if len(typed) != DIGITS or not typed.isascii() or not typed.isdigit():
        return Verdict(Check.WRONG)
    key = _key(secret)
    current = step_of(at)
    for back in range(RECOGNISED_PAST_STEPS + 1):
        step = current - back
        if hmac.compare_digest(hotp(key, step), typed):
            check = Check.VALID if back <= ACCEPTED_PAST_STEPS else Check.EXPIRED
            return Verdict(check, step)
    return Verdict(Check.WRONG)
