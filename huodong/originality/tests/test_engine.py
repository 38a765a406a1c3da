"""The originality engine on small hand-made texts whose answers are known. No database."""

from __future__ import annotations

import numpy as np
import pytest

from huodong.originality.engine import (
    MIN_RUN,
    FingerprintIndex,
    Run,
    build_report,
    check_texts,
    fingerprints,
    normalize,
    shared_runs,
)
from huodong.originality.engine.matching import _merged

# Twenty distinct characters: any slice of it occurs nowhere else in the texts below.
ALPHABET = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸"
OTHER = "子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒"


def plain(normalized) -> str:
    return "".join(chr(code) for code in normalized.codes)


# --- normalize ---------------------------------------------------------------------------


def test_whitespace_and_punctuation_are_removed():
    text = "学习， 贯彻。\n落实！（全面）“深化”"
    assert plain(normalize(text)) == "学习贯彻落实全面深化"


def test_full_width_latin_and_digits_fold_to_lower_case_half_width():
    assert plain(normalize("ＡＢＣ１２３")) == "abc123"
    assert plain(normalize("ABC abc Ａｂｃ")) == "abcabcabc"


def test_offsets_point_back_into_the_original():
    text = "甲， 乙。\n丙"
    normalized = normalize(text)
    assert normalized.offsets.tolist() == [0, 3, 6]
    assert [text[i] for i in normalized.offsets] == ["甲", "乙", "丙"]
    # The span of normalised [1, 3) runs from 乙 to 丙 inclusive in the original.
    assert normalized.span(1, 3) == (3, 7)
    assert normalized.span(2, 2) == (0, 0)


def test_quoted_characters_are_flagged():
    assert normalize("甲“乙丙”丁").quoted.tolist() == [False, True, True, False]
    assert normalize("甲「乙」丁『丙』").quoted.tolist() == [False, True, False, True]


def test_nested_quotations_stay_quoted_until_the_outer_closer():
    assert normalize("甲「乙『丙』丁」戊").quoted.tolist() == [False, True, True, True, False]
    assert normalize("甲“乙「丙」丁”戊").quoted.tolist() == [False, True, True, True, False]


def test_an_unbalanced_opener_ends_at_the_newline():
    assert normalize("甲“乙丙\n丁戊").quoted.tolist() == [False, True, True, False, False]
    # Left open to the end of the text: quoted to the end.
    assert normalize("甲“乙丙").quoted.tolist() == [False, True, True]


def test_a_closer_without_opener_is_ignored():
    assert normalize("甲”乙“丙”丁").quoted.tolist() == [False, False, True, False]


def test_empty_text():
    normalized = normalize("")
    assert len(normalized) == 0
    assert normalized.quoted.tolist() == []


# --- shared runs -------------------------------------------------------------------------


def test_exactly_thirteen_shared_characters_are_found():
    assert MIN_RUN == 13
    essay = normalize("子丑寅" + ALPHABET[:13] + "卯辰巳")
    source = normalize("天地" + ALPHABET[:13] + "玄黄")
    assert shared_runs(essay, source) == [Run(3, 16, 2, 15, 3, 16, 2, 15)]


def test_twelve_shared_characters_are_not_a_run():
    essay = normalize("子丑寅" + ALPHABET[:12] + "卯辰巳")
    source = normalize("天地" + ALPHABET[:12] + "玄黄")
    assert shared_runs(essay, source) == []


def test_a_run_is_maximal():
    essay = normalize("子" + ALPHABET + "丑")
    source = normalize("寅卯" + ALPHABET + "辰")
    runs = shared_runs(essay, source)
    assert [(r.start, r.end, r.source_start, r.source_end) for r in runs] == [(1, 21, 2, 22)]
    assert runs[0].length == 20


def test_a_run_survives_different_punctuation_and_spacing():
    essay_text = "前言。" + "一二三，四五六。七八九 十甲乙丙" + "后记"
    source_text = "天地：" + "一二三四五六、七八九十\n甲乙丙" + "玄黄"
    essay, source = normalize(essay_text), normalize(source_text)
    runs = shared_runs(essay, source)
    assert len(runs) == 1
    run = runs[0]
    assert (run.start, run.end, run.source_start, run.source_end) == (2, 15, 2, 15)
    # Offsets in the original texts cover the copied passage, punctuation inside included.
    assert essay_text[run.text_start : run.text_end] == "一二三，四五六。七八九 十甲乙丙"
    assert (
        source_text[run.source_text_start : run.source_text_end] == "一二三四五六、七八九十\n甲乙丙"
    )


def test_full_width_copy_matches_half_width():
    essay = normalize("ＡＢＣ１２３４５６７８９０ＸＹＺ")
    source = normalize("abc 1234567890 xyz")
    runs = shared_runs(essay, source)
    assert [(r.start, r.end) for r in runs] == [(0, 16)]


def test_a_passage_repeated_in_the_source_is_found_at_each_place():
    passage = ALPHABET[:13]
    essay = normalize("子" + passage + "丑")
    source = normalize(passage + "寅" + passage)
    runs = shared_runs(essay, source)
    assert [(r.start, r.end, r.source_start, r.source_end) for r in runs] == [
        (1, 14, 0, 13),
        (1, 14, 14, 27),
    ]


def test_a_passage_repeated_in_the_essay_is_found_at_each_place():
    passage = ALPHABET[:13]
    essay = normalize(passage + "子" + passage)
    source = normalize("丑" + passage)
    runs = shared_runs(essay, source)
    assert [(r.start, r.end, r.source_start) for r in runs] == [(0, 13, 1), (14, 27, 1)]


def test_two_passages_in_a_different_order():
    first, second = ALPHABET[:13], OTHER[:13]
    essay = normalize(first + "甲" + second)
    source = normalize(second + "乙" + first)
    runs = shared_runs(essay, source)
    assert [(r.start, r.end, r.source_start, r.source_end) for r in runs] == [
        (0, 13, 14, 27),
        (14, 27, 0, 13),
    ]


def test_short_texts_share_nothing():
    assert shared_runs(normalize("甲乙"), normalize("甲乙")) == []
    assert shared_runs(normalize(""), normalize(ALPHABET)) == []


# --- merging -------------------------------------------------------------------------------


def test_overlapping_and_touching_runs_on_one_diagonal_merge():
    runs = [
        Run(0, 13, 5, 18, 0, 13, 5, 18),
        Run(10, 30, 15, 35, 10, 30, 15, 35),  # overlaps the first
        Run(30, 43, 35, 48, 30, 43, 35, 48),  # touches the second
    ]
    assert _merged(runs) == (Run(0, 43, 5, 48, 0, 43, 5, 48),)


def test_runs_on_different_diagonals_or_apart_stay_separate():
    apart = Run(50, 63, 55, 68)
    other_diagonal = Run(5, 18, 100, 113)
    first = Run(0, 13, 5, 18)
    assert _merged([apart, other_diagonal, first]) == (first, other_diagonal, apart)


def test_a_run_inside_another_is_absorbed():
    outer = Run(0, 40, 10, 50)
    assert _merged([Run(5, 20, 15, 30), outer]) == (outer,)


# --- reports -------------------------------------------------------------------------------


def test_ratio_is_the_exact_share_of_copied_characters():
    essay = ALPHABET[:13] + OTHER[:13]  # 26 characters, half copied
    report = check_texts(essay, [("a", "a.txt", "天" + ALPHABET[:13] + "地")])
    assert report.length == 26
    assert report.copied == 13
    assert report.ratio == pytest.approx(13 / 26)
    assert report.ratio_without_quotes == pytest.approx(13 / 26)


def test_copies_from_two_sources_add_up_and_overlaps_count_once():
    essay = ALPHABET + OTHER  # 40 characters
    sources = [
        ("one", "one.txt", ALPHABET[:15]),  # essay 0..15
        ("two", "two.txt", ALPHABET[5:20] + OTHER[:13]),  # essay 5..33
    ]
    report = check_texts(essay, sources)
    assert report.copied == 33  # 0..33, the overlap 5..15 counted once
    assert report.ratio == pytest.approx(33 / 40)
    assert [s.name for s in report.sources] == ["two.txt", "one.txt"]
    assert [s.characters for s in report.sources] == [28, 15]
    assert report.sources[0].ratio == pytest.approx(28 / 40)
    assert report.largest_source.name == "two.txt"
    assert report.largest_source.ratio == pytest.approx(28 / 40)


def test_sources_without_a_run_are_not_listed():
    report = check_texts(ALPHABET, [("a", "a.txt", OTHER), ("b", "b.txt", ALPHABET[:12])])
    assert report.sources == ()
    assert report.ratio == 0.0
    assert report.largest_source is None


def test_quoted_copies_are_left_out_of_the_ratio_without_quotes():
    # 13 copied characters inside “…”, 13 copied outside, 14 of the essay's own.
    essay = "“" + ALPHABET[:13] + "”" + OTHER[:13] + "宇宙洪荒日月盈昃辰宿列张寒来"
    source = ALPHABET[:13] + "，" + OTHER[:13]
    report = check_texts(essay, [("s", "s.txt", source)])
    assert report.length == 40
    assert report.copied == 26
    assert report.copied_outside_quotes == 13
    assert report.ratio == pytest.approx(26 / 40)
    assert report.ratio_without_quotes == pytest.approx(13 / 40)


def test_a_run_half_inside_quotes_counts_its_outside_part():
    essay = "「" + ALPHABET[:5] + "」" + ALPHABET[5:13] + "天地玄黄宇宙洪"
    report = check_texts(essay, [("s", "s", ALPHABET[:13])])
    assert report.copied == 13
    assert report.copied_outside_quotes == 8
    assert report.ratio_without_quotes == pytest.approx(8 / 20)


def test_spans_are_merged_offsets_in_the_original_essay():
    essay = "甲，" + ALPHABET[:13] + "。" + OTHER[:13]
    report = check_texts(
        essay, [("a", "a", ALPHABET[:13]), ("b", "b", OTHER[:13]), ("c", "c", OTHER[:14])]
    )
    # Adjacent after normalisation (only "。" between them): one stretch in the original.
    assert report.spans == ((2, 29),)
    apart = check_texts("日" + ALPHABET[:13] + "月" + OTHER[:13], [("a", "a", ALPHABET + OTHER)])
    assert apart.spans == ((1, 14), (15, 28))


def test_empty_essay_has_ratio_zero():
    report = check_texts("", [("a", "a", ALPHABET)])
    assert (report.length, report.ratio, report.ratio_without_quotes) == (0, 0.0, 0.0)


def test_to_json_shape():
    essay = "前，" + ALPHABET[:13] + "后" + OTHER[:13]
    report = check_texts(
        essay, [("k1", "一.txt", "天" + ALPHABET[:13]), ("k2", "二.txt", OTHER[:13] + "地")]
    )
    data = report.to_json()
    assert data == {
        "ratio": round(26 / 28, 4),
        "ratio_without_quotes": round(26 / 28, 4),
        "largest_source": {"name": "一.txt", "ratio": round(13 / 28, 4)},
        "sources": [
            {
                "name": "一.txt",
                "ratio": round(13 / 28, 4),
                "runs": [{"start": 2, "end": 15, "source_start": 1, "source_end": 14}],
            },
            {
                "name": "二.txt",
                "ratio": round(13 / 28, 4),
                "runs": [{"start": 16, "end": 29, "source_start": 0, "source_end": 13}],
            },
        ],
    }


def test_to_json_without_sources():
    assert check_texts(ALPHABET, []).to_json() == {
        "ratio": 0.0,
        "ratio_without_quotes": 0.0,
        "largest_source": None,
        "sources": [],
    }


def test_build_report_keys_its_sources_as_given():
    essay = normalize(ALPHABET)
    report = build_report(essay, [(42, "forty-two", normalize(ALPHABET[2:17]))])
    assert report.sources[0].key == 42
    assert report.sources[0].runs == (Run(2, 17, 0, 15, 2, 17, 0, 15),)


# --- fingerprints and the index ------------------------------------------------------------


def test_a_thirteen_character_run_always_shares_a_fingerprint():
    rng = np.random.default_rng(7)
    pool = np.array(list(ALPHABET + OTHER))
    for _ in range(200):
        shared = "".join(rng.choice(pool, MIN_RUN))
        left = "".join(rng.choice(pool, int(rng.integers(0, 40)))) + shared
        right = shared + "".join(rng.choice(pool, int(rng.integers(0, 40))))
        mine = fingerprints(normalize(left).codes)
        theirs = fingerprints(normalize(right).codes)
        assert len(np.intersect1d(mine, theirs)) >= 1


def test_fingerprints_are_sorted_and_distinct():
    prints = fingerprints(normalize(ALPHABET * 3).codes)
    assert prints.dtype == np.uint64
    assert np.all(np.diff(prints.astype(np.float64)) > 0) or len(prints) <= 1
    assert len(fingerprints(normalize("甲乙丙").codes)) == 0


def _index(texts: dict[int, str], **kwargs) -> FingerprintIndex:
    return FingerprintIndex.build(
        ((number, fingerprints(normalize(text).codes)) for number, text in texts.items()), **kwargs
    )


def test_candidates_are_the_documents_sharing_fingerprints_best_first():
    copied = ALPHABET + OTHER  # 40 characters
    index = _index(
        {
            1: copied[:14] + "日月盈昃辰宿列张寒来暑往",  # shares a little
            2: "日月盈昃" + copied + "暑往秋收",  # shares everything
            3: "日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁",  # shares nothing
        }
    )
    candidates = index.candidates(fingerprints(normalize(copied).codes))
    assert [document for document, _shared in candidates] == [2, 1]
    shared = dict(candidates)
    assert shared[2] > shared[1] >= 1


def test_candidates_exclude_and_limit():
    index = _index({1: ALPHABET, 2: ALPHABET, 3: ALPHABET})
    prints = fingerprints(normalize(ALPHABET).codes)
    assert [d for d, _ in index.candidates(prints)] == [1, 2, 3]  # ties by id
    assert [d for d, _ in index.candidates(prints, exclude=[2])] == [1, 3]
    assert [d for d, _ in index.candidates(prints, limit=1)] == [1]


def test_a_rare_fingerprint_outweighs_a_common_one():
    slogan = ALPHABET[:13]
    rare = OTHER[:13]
    texts = {number: slogan + "天地" for number in range(10)}
    texts[20] = rare + "玄黄"
    index = _index(texts)
    candidates = index.candidates(fingerprints(normalize(slogan + "宇" + rare).codes))
    # Document 20 shares as many fingerprints as each slogan holder, held by itself alone.
    assert candidates[0][0] == 20


def test_postings_are_capped_per_fingerprint():
    texts = {number: ALPHABET for number in range(10)}
    index = _index(texts, cap=3)
    assert set(index.documents.tolist()) == {0, 1, 2}
    candidates = index.candidates(fingerprints(normalize(ALPHABET).codes))
    assert [d for d, _ in candidates] == [0, 1, 2]
    uncapped = _index(texts)
    assert len(uncapped) == 10 * len(fingerprints(normalize(ALPHABET).codes))


def test_an_empty_index_has_no_candidates():
    index = FingerprintIndex.build([])
    assert len(index) == 0
    assert index.candidates(fingerprints(normalize(ALPHABET).codes)) == []
    assert _index({1: ALPHABET}).candidates(np.zeros(0, dtype=np.uint64)) == []


def test_check_texts_finds_only_real_runs_among_candidates():
    sources = [
        ("near", "near.txt", OTHER[:6] + ALPHABET[:12]),  # 12 shared characters only
        ("copy", "copy.txt", "天" + ALPHABET[3:19]),
    ]
    report = check_texts(ALPHABET, sources)
    assert [s.key for s in report.sources] == ["copy"]
    assert report.copied == 16
