"""Text as the originality check compares it: letters, digits and CJK characters only.

Whitespace and punctuation are removed, full-width Latin letters and digits are folded to
half width and Latin letters to lower case, so that "ＡＢＣ１２３" matches "abc123" and a copy
re-punctuated or re-spaced still matches. Every kept character remembers where it stands in the
original text (to highlight it there) and whether it lies inside quotation marks (“…”, 「…」,
『…』), which the ratio without quotations leaves out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

# Openers and their closers; nested quotations (『』 inside 「」) keep the depth above zero.
_OPENERS = {0x201C: 0x201D, 0x300C: 0x300D, 0x300E: 0x300F, 0xFE41: 0xFE42, 0xFE43: 0xFE44}
_CLOSERS = {closer: opener for opener, closer in _OPENERS.items()}


@cache
def _kept_table() -> np.ndarray:
    """For every code point of the Basic Multilingual Plane: kept (a letter, a digit, a mark
    inside a word) or dropped (space, punctuation, symbol, control)."""
    table = np.zeros(0x10000, dtype=bool)
    for code in range(0x10000):
        category = unicodedata.category(chr(code))
        table[code] = category[0] in "LNM"
    return table


@dataclass(frozen=True)
class NormalizedText:
    text: str  # the original
    codes: np.ndarray  # uint32 code points of the kept characters, folded
    offsets: np.ndarray  # int64: where each kept character stands in `text`
    quoted: np.ndarray  # bool: whether it lies inside quotation marks

    def __len__(self) -> int:
        return len(self.codes)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's [start, end) holding normalised characters [start, end)."""
        if end <= start:
            return (0, 0)
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


def normalize(text: str, *, quotes: bool = True) -> NormalizedText:
    """`quotes=False` for a source: only the essay's quotations matter, and finding them is
    half the cost of normalising."""
    raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    codes = raw.copy()
    # Full-width ASCII (！ to ～) to half width, then Latin capitals to small letters.
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[wide] -= 0xFEE0
    capital = (codes >= 0x41) & (codes <= 0x5A)
    codes[capital] += 0x20
    table = _kept_table()
    basic = codes < 0x10000
    kept = np.zeros(len(codes), dtype=bool)
    kept[basic] = table[codes[basic]]
    # Beyond the BMP: CJK extensions and the like are kept, emoji and other symbols are not.
    for index in np.flatnonzero(~basic):
        kept[index] = unicodedata.category(chr(int(codes[index])))[0] in "LNM"
    quoted = _inside_quotes(raw) if quotes else np.zeros(len(raw), dtype=bool)
    positions = np.flatnonzero(kept)
    return NormalizedText(
        text=text,
        codes=codes[positions],
        offsets=positions.astype(np.int64),
        quoted=quoted[positions],
    )


def _inside_quotes(raw: np.ndarray) -> np.ndarray:
    """Per original character: inside a quotation. A closer without its opener is ignored, and
    a quotation left open ends with its paragraph, so one stray mark cannot quote a whole essay."""
    inside = np.zeros(len(raw), dtype=bool)
    marks = np.flatnonzero(np.isin(raw, [*_OPENERS, *_CLOSERS, 0x0A]))
    stack: list[int] = []
    opened_at = 0
    for index in marks:
        code = int(raw[index])
        if code == 0x0A:
            if stack:
                inside[opened_at:index] = True
                stack.clear()
        elif code in _OPENERS:
            if not stack:
                opened_at = int(index)
            stack.append(_OPENERS[code])
        elif stack and stack[-1] == code:
            stack.pop()
            if not stack:
                inside[opened_at : index + 1] = True
    if stack:
        inside[opened_at:] = True
    return inside
