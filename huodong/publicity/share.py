"""The share card of a published article as a standalone SVG (to post to the WeChat channel):
the office, the title, the summary, the date and the QR code of the public address."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from huodong.core.links import qr_svg
from huodong.publicity.models import Article

WIDTH = 750
HEIGHT = 1000
TITLE_CHARS = 15
TITLE_LINES = 4
SUMMARY_CHARS = 24
SUMMARY_LINES = 6
QR_SIZE = 260


def _wide(char: str) -> bool:
    return ord(char) > 0x2E80


def wrap(text: str, width: int, lines: int) -> list[str]:
    """`text` cut into lines of about `width` Chinese characters (a Latin letter counts half);
    the last line kept ends with an ellipsis when the text is longer."""
    out: list[str] = []
    current, size = "", 0.0
    for char in " ".join((text or "").split()):
        step = 1.0 if _wide(char) else 0.5
        if size + step > width:
            out.append(current)
            current, size = "", 0.0
        current += char
        size += step
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][:-1] + "…"
    return out


def _qr_placed(url: str, *, x: int, y: int, size: int) -> str:
    inline = qr_svg(url, title=_("Scan to read the article"))
    return inline.replace("<svg ", f'<svg x="{x}" y="{y}" width="{size}" height="{size}" ', 1)


def card_svg(article: Article, url: str) -> str:
    date = timezone.localdate(article.published_at) if article.published_at else None
    title_lines = wrap(article.title, TITLE_CHARS, TITLE_LINES)
    summary_lines = wrap(article.summary, SUMMARY_CHARS, SUMMARY_LINES)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f"viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"'PingFang SC', 'Microsoft YaHei', "
        f"'Noto Sans CJK SC', sans-serif\">",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<rect width="{WIDTH}" height="120" fill="#b71c1c"/>',
        f'<text x="48" y="74" font-size="34" fill="#fff">{escape(article.office.name)}</text>',
        f'<text x="48" y="170" font-size="24" fill="#b71c1c">{escape(article.category.name)}'
        "</text>",
    ]
    y = 236
    for line in title_lines:
        parts.append(
            f'<text x="48" y="{y}" font-size="42" font-weight="700" fill="#111">'
            f"{escape(line)}</text>"
        )
        y += 58
    y += 12
    for line in summary_lines:
        parts.append(f'<text x="48" y="{y}" font-size="26" fill="#444">{escape(line)}</text>')
        y += 40
    if date is not None:
        parts.append(f'<text x="48" y="{y + 10}" font-size="24" fill="#777">{date:%Y-%m-%d}</text>')
    qr_y = HEIGHT - QR_SIZE - 70
    parts.append(
        f'<line x1="48" y1="{qr_y - 24}" x2="{WIDTH - 48}" y2="{qr_y - 24}" '
        'stroke="#ddd" stroke-width="2"/>'
    )
    parts.append(_qr_placed(url, x=WIDTH - QR_SIZE - 40, y=qr_y, size=QR_SIZE))
    parts.append(
        f'<text x="48" y="{qr_y + 110}" font-size="30" fill="#111">'
        f"{escape(_('Scan to read the full text'))}</text>"
    )
    parts.append(
        f'<text x="48" y="{qr_y + 156}" font-size="18" fill="#777">{escape(url[:60])}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
