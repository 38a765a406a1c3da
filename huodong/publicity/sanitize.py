"""The one rule for the column's rich text: what a writer pastes (from Word, a web page, the
toolbar) is stored as the allowlisted HTML below and nothing else, so nothing in an article
can run script, restyle the page or load from elsewhere.

- Tags: p, br, h2–h4, strong, b, em, i, u, s, blockquote, ul, ol, li, a, img, table parts,
  figure, figcaption, hr. Any other tag is dropped and its text kept; the content of script,
  style and the like (and Word's xml islands) is dropped with it.
- Attributes: a[href, title], img[src, alt, width, height] (sizes in whole pixels only);
  never style, class, id or an event handler.
- URLs: http, https, mailto and relative ones; javascript:, data:, vbscript: and every other
  scheme are removed, however they are spelled or encoded (the HTML is parsed first, as a
  browser would, then the scheme is judged).
- Links get rel="noopener noreferrer nofollow". Comments (Word's conditional ones) go.
"""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "blockquote",
        "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
        "figure", "figcaption", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Dropped with everything inside them (not just the tags).
CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript",
        "xml", "title", "head", "textarea", "select", "form", "applet", "noembed", "noframes",
        "frameset", "frame",
    }
)  # fmt: skip
_PIXELS = re.compile(r"^\d{1,4}$")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00a0\u200b-\u200f\u2028\u2029\ufeff]")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in {"width", "height"}:
        return value if _PIXELS.match(value.strip()) else None
    if attribute in {"href", "src"}:
        # nh3 has judged the scheme already; this second look refuses any value that, once the
        # characters browsers ignore are removed, names a scheme outside the allowlist.
        squeezed = _INVISIBLE.sub("", value)
        found = _SCHEME.match(squeezed)
        if found and found.group(1).lower() not in URL_SCHEMES:
            return None
        if squeezed.startswith("\\"):
            return None
    return value


def sanitize_html(html: str) -> str:
    """`html` reduced to the column's allowlist (see the module's docstring)."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
        generic_attribute_prefixes=set(),
    )
    return cleaned.strip()


def text_to_html(text: str) -> str:
    """Plain text (a reflection, an essay) as paragraphs of HTML, escaped."""
    from django.utils.html import escape

    paragraphs = [line.strip() for line in (text or "").splitlines()]
    return "\n".join(f"<p>{escape(line)}</p>" for line in paragraphs if line)
