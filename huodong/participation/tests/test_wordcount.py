import json
from pathlib import Path

import pytest

from huodong.participation.wordcount import word_count, words_needed

CASES = json.loads((Path(__file__).parent / "wordcount_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:12] or "empty" for c in CASES])
def test_word_count_counts_as_word_does(case):
    assert word_count(case["text"]) == case["count"]


def test_about_3000_characters_is_met_from_90_percent_by_default():
    assert words_needed(3000, 90) == 2700
    assert words_needed(3000, 100) == 3000
    # Rounds up: 95% of 2999 is 2849.05, and 2849 characters are not enough.
    assert words_needed(2999, 95) == 2850
