"""Small text helpers shared by the readers and the section parsers."""

from __future__ import annotations

import re
import unicodedata

CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMBER = "[〇零○一二两三四五六七八九十百千]+"

# Unit lists in cells and parentheticals use any of these between names.
UNIT_SEPARATORS = re.compile(r"[、，,；;/／\s]+")
SPACES = re.compile(r"[\s\u3000\u00a0]+")


def cn_to_int(text: str) -> int | None:
    """Value of a Chinese numeral such as 十二, 二十五, 三千 or digit-by-digit 二〇一八."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in CN_DIGITS for ch in text):
        # Years are written digit by digit (二〇一八), never with 千/百.
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total = 0
    current = 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def to_number(text: str) -> int | None:
    text = unicodedata.normalize("NFKC", text)
    return int(text) if text.isdigit() else cn_to_int(text)


def fold_width(text: str) -> str:
    """Full-width letters, digits and ASCII punctuation folded to half width (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def clean_line(text: str) -> str:
    """A paragraph as a reader hands it over: no edge spaces, inner runs of spaces kept short."""
    return text.replace("\u00a0", " ").replace("\u3000", " ").strip()


def normalize_unit(name: str) -> str:
    """Unit or person name in one canonical spelling: half width, no spaces, no edge punctuation."""
    name = SPACES.sub("", fold_width(name))
    return name.strip("。.，,；;：:、")


_OPENING = "（([【〔"
_CLOSING = "）)]】〕"
_UNIT_SEPARATOR_CHARS = "、，,；;/／"


def _split_outside_brackets(text: str) -> list[str]:
    # 各科室（站、所） is one name: separators inside brackets do not split.
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(depth - 1, 0)
        if depth == 0 and (ch in _UNIT_SEPARATOR_CHARS or ch.isspace()):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def split_units(text: str) -> list[str]:
    """Unit names from a cell or a parenthetical, de-duplicated in order."""
    names: list[str] = []
    for part in _split_outside_brackets(text):
        name = normalize_unit(part)
        if name and name not in names:
            names.append(name)
    return names


_LEAD_MARK = re.compile(r"[（(]\s*(?:牵头|主责|负总责)\s*[）)]")


def split_marked_units(text: str) -> tuple[list[str], list[str]]:
    """(lead, co) from one cell: 办公室（牵头）、组织科 -> (["办公室"], ["组织科"]).

    Without a （牵头） mark every unit leads.
    """
    names = split_units(text)
    marked = [n for n in names if _LEAD_MARK.search(n)]
    if not marked:
        return names, []
    lead = [_LEAD_MARK.sub("", n) for n in marked]
    return lead, [n for n in names if n not in marked]


# A deadline or a sentence in a unit cell means columns slipped or a cell was mistyped.
_DATEISH = re.compile(r"\d{1,2}月|\d{1,2}[./]\d{1,2}$|年底|年内|上旬|中旬|下旬|月底|\d{4}年")
_SENTENCE_MARKS = re.compile(r"[。！？!?：:]")
MAX_UNIT_NAME = 20


def unit_looks_wrong(name: str) -> bool:
    """True for a 'unit' that reads as a date, a sentence, a number or is far too long."""
    return (
        len(name) > MAX_UNIT_NAME
        or name.isdigit()
        or bool(_SENTENCE_MARKS.search(name))
        or bool(_DATEISH.search(name))
    )


def snippet(text: str, limit: int = 60) -> str:
    """Short single-line excerpt for warnings."""
    text = SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
