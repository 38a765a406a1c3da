"""Absolute links that phones open (QR codes on screens and posters), and their QR codes."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.http import HttpRequest


def _is_loopback(base: str) -> bool:
    host = urlsplit(base).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def phone_url(request: HttpRequest, relative: str) -> str:
    """HUODONG_BASE_URL + `relative` when it names a host the phones can reach (not the loopback
    default), else the address the page itself was opened at."""
    base = str(getattr(settings, "HUODONG_BASE_URL", "") or "").rstrip("/")
    if base and not _is_loopback(base):
        return f"{base}{relative}"
    return request.build_absolute_uri(relative)


def qr_svg(url: str, *, title: str, css_class: str = "qr") -> str:
    """The link's QR code as inline SVG (scales with CSS, prints sharp)."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=4, omitsize=True, light="#fff", svgclass=css_class, title=title
    )
