"""The rotating six-digit sign-in code (RFC 6238, HMAC-SHA1, 30-second steps)."""

import datetime as dt

import pytest

from huodong.participation import signin_codes
from huodong.participation.signin_codes import Check, code_at, hotp, seconds_left, step_of, verify

# RFC 6238's SHA-1 secret, "12345678901234567890" in ASCII.
RFC_SECRET = b"12345678901234567890".hex()


def at(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


@pytest.mark.parametrize(
    ("counter", "expected"),
    [(0, "755224"), (1, "287082"), (2, "359152"), (3, "969429"), (9, "520489")],
)
def test_hotp_matches_the_rfc_4226_test_values(counter, expected):
    assert hotp(bytes.fromhex(RFC_SECRET), counter) == expected


@pytest.mark.parametrize(
    ("seconds", "eight_digits"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
    ],
)
def test_totp_matches_the_rfc_6238_test_values(seconds, eight_digits):
    key = bytes.fromhex(RFC_SECRET)
    assert hotp(key, step_of(seconds), digits=8) == eight_digits
    # Six digits are the last six of the same number.
    assert code_at(RFC_SECRET, at(seconds)) == eight_digits[-6:]


def test_the_code_turns_over_every_30_seconds():
    secret = signin_codes.new_secret()
    base = 1_529_474_400  # 2018-06-20 14:00 in Shanghai, on a step boundary
    assert base % 30 == 0
    first = code_at(secret, at(base))
    assert code_at(secret, at(base + 29.999)) == first
    assert code_at(secret, at(base + 30)) != first
    assert seconds_left(at(base)) == 30
    assert seconds_left(at(base + 29.5)) == 1
    assert seconds_left(at(base + 12)) == 18


def test_the_current_and_previous_codes_are_accepted_older_ones_have_expired():
    secret = signin_codes.new_secret()
    now = at(1_529_474_400 + 75)  # the third step after the boundary
    current = code_at(secret, now)
    previous = code_at(secret, at(1_529_474_400 + 45))
    older = code_at(secret, at(1_529_474_400 + 15))
    assert verify(secret, current, now).ok
    assert verify(secret, previous, now).ok
    verdict = verify(secret, older, now)
    assert verdict.check is Check.EXPIRED and not verdict.ok
    # A code from the next step (a screen ahead of the server) is not accepted.
    upcoming = code_at(secret, at(1_529_474_400 + 95))
    assert verify(secret, upcoming, now).check is not Check.VALID


def test_a_code_long_gone_or_never_shown_is_wrong():
    secret = signin_codes.new_secret()
    now = at(1_529_474_400)
    stale = code_at(secret, at(1_529_474_400 - 3600))
    candidates = {code_at(secret, at(1_529_474_400 - 30 * back)) for back in range(25)}
    if stale not in candidates:
        assert verify(secret, stale, now).check is Check.WRONG
    assert verify(secret, "", now).check is Check.WRONG
    assert verify(secret, "12345", now).check is Check.WRONG
    assert verify(secret, "1234567", now).check is Check.WRONG
    assert verify(secret, "12a456", now).check is Check.WRONG


def test_what_people_type_is_normalised():
    secret = signin_codes.new_secret()
    now = at(1_529_474_400)
    code = code_at(secret, now)
    full_width = "".join(chr(ord("０") + int(d)) for d in code)
    assert verify(secret, full_width, now).ok
    assert verify(secret, f" {code[:3]} {code[3:]} ", now).ok
    assert verify(secret, f"{code[:3]}-{code[3:]}", now).ok


def test_each_session_has_its_own_secret():
    secrets = {signin_codes.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(s) == 40 and int(s, 16) >= 0 for s in secrets)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        code_at(signin_codes.new_secret(), dt.datetime(2018, 6, 20, 14, 0))
