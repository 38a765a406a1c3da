"""字数 as Microsoft Word counts it for Chinese text.

Word's "字数" counts every CJK character and every full-width punctuation mark as one, and each
run of Latin letters or digits (a "word") as one; spaces and ASCII punctuation count nothing.
`static/participation/wordcount.js` mirrors this function for the editor's live count; the two
are tested against the same cases (`tests/wordcount_cases.json`).
"""

from __future__ import annotations

import re

# CJK ideographs (basic, extension A, compatibility) and the CJK, full-width and general
# punctuation Chinese text uses: 。，、；：？！“”‘’（）《》【】—…·
_COUNTED_ONE_EACH = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\u3001-\u303f"  # CJK symbols and punctuation (not U+3000, the full-width space)
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # full-width punctuation
    "\u2010-\u2027\u2030-\u205e"  # dashes, quotes, ellipsis, ‰
    "\u00b7"
)
_ONE_EACH = re.compile(f"[{_COUNTED_ONE_EACH}]")
# Latin letters and digits (half- and full-width) with the joiners Word keeps inside a word.
_WORD = re.compile(
    r"[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u00c0-\u024f]+(?:['.\-][A-Za-z0-9\u00c0-\u024f]+)*"
)


def word_count(text: str) -> int:
    return len(_ONE_EACH.findall(text)) + len(_WORD.findall(text))


def words_needed(minimum: int, tolerance_percent: int) -> int:
    """The 字数 from which "about `minimum` characters" is met (3000 at 90% -> 2700)."""
    return -(-minimum * tolerance_percent // 100)
