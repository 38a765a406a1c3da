"""The originality engine on small hand-made texts whose answers are known. No database."""

from __future__ import annotations

import numpy as np
import pytest

from huodong.originality.engine import (
    MIN_RUN,
    Corpus,
    Run,
    build_report,
    check_texts,
    normalize,
    shared_runs,
)
from huodong.originality.engine.corpus import fold
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


# --- the corpus ---------------------------------------------------------------------------


def _corpus(texts: dict[int, str]) -> Corpus:
    return Corpus.build((key, normalize(text).codes) for key, text in texts.items())


def _pairwise(essay: str, texts: dict[int, str]) -> dict[int, list[tuple[int, int, int, int]]]:
    """What comparing the essay with every text exactly finds (the reference)."""
    mine = normalize(essay)
    found = {}
    for key, text in texts.items():
        runs = shared_runs(mine, normalize(text))
        if runs:
            found[key] = sorted((r.start, r.end, r.source_start, r.source_end) for r in runs)
    return found


def test_a_thirteen_character_run_is_always_found():
    rng = np.random.default_rng(7)
    pool = np.array(list(ALPHABET + OTHER))
    for _ in range(200):
        shared = "".join(rng.choice(pool, MIN_RUN))
        left = "".join(rng.choice(pool, int(rng.integers(0, 40)))) + shared
        right = shared + "".join(rng.choice(pool, int(rng.integers(0, 40))))
        assert _corpus({1: right}).runs(normalize(left).codes) == _pairwise(left, {1: right})
        assert 1 in _pairwise(left, {1: right})


def test_the_corpus_finds_what_pairwise_comparison_finds():
    """Random texts over a small alphabet share many runs, repeats and near misses."""
    rng = np.random.default_rng(11)
    pool = np.array(list("甲乙丙丁戊己"))
    for _ in range(30):
        base = "".join(rng.choice(pool, 300))
        texts = {}
        for key in range(1, 8):
            start = int(rng.integers(0, 250))
            texts[key] = (
                "".join(rng.choice(pool, int(rng.integers(0, 60))))
                + base[start : start + int(rng.integers(5, 60))]
            )
        essay = base[:150]
        assert _corpus(texts).runs(normalize(essay).codes) == _pairwise(essay, texts)


def test_runs_do_not_cross_from_one_document_into_the_next():
    essay = ALPHABET  # 20 characters
    corpus = _corpus({1: "天地" + ALPHABET[:10], 2: ALPHABET[10:] + "玄黄"})
    assert corpus.runs(normalize(essay).codes) == {}


def test_twelve_shared_characters_are_not_found_by_the_corpus():
    corpus = _corpus({1: "天地" + ALPHABET[:12] + "玄黄"})
    assert corpus.runs(normalize("子" + ALPHABET[:12] + "丑").codes) == {}


def test_runs_name_each_document_with_positions_in_it():
    corpus = _corpus({5: OTHER + ALPHABET[:13], 9: "天" + ALPHABET[4:19]})
    found = corpus.runs(normalize("子丑" + ALPHABET).codes)
    assert found == {5: [(2, 15, 20, 33)], 9: [(6, 21, 1, 16)]}
    assert corpus.runs(normalize("子丑" + ALPHABET).codes, exclude=[5]) == {9: [(6, 21, 1, 16)]}


def test_a_corpus_built_in_several_blocks_finds_the_same(monkeypatch):
    texts = {key: OTHER[key:] + ALPHABET[: 13 + key % 5] + "天地" for key in range(12)}
    whole = _corpus(texts).runs(normalize(ALPHABET).codes)
    monkeypatch.setattr("huodong.originality.engine.corpus._BLOCK_CHARS", 30)
    assert _corpus(texts).runs(normalize(ALPHABET).codes) == whole
    assert set(whole) == set(range(12))


def test_a_fingerprint_is_followed_to_its_first_places_only(monkeypatch):
    monkeypatch.setattr("huodong.originality.engine.corpus.POSTINGS_CAP", 3)
    texts = {key: ALPHABET[:13] for key in range(10)}
    assert set(_corpus(texts).runs(normalize(ALPHABET).codes)) == {0, 1, 2}


def test_an_empty_corpus_and_a_short_essay_find_nothing():
    assert len(Corpus.build([])) == 0
    assert Corpus.build([]).runs(normalize(ALPHABET).codes) == {}
    assert Corpus.empty().runs(normalize(ALPHABET).codes) == {}
    assert _corpus({1: ALPHABET}).runs(normalize(ALPHABET[:12]).codes) == {}
    assert _corpus({1: "", 2: ALPHABET}).runs(normalize(ALPHABET).codes) == {2: [(0, 20, 0, 20)]}


def test_characters_beyond_the_basic_plane_are_compared():
    rare = "𠀀𠀁𠀂𠀃𠀄𠀅𠀆"  # CJK Extension B
    essay = rare + ALPHABET[:6]
    assert set(_corpus({1: "天" + essay}).runs(normalize(essay).codes)) == {1}
    report = check_texts(essay, [("s", "s", "天" + essay)])
    assert report.copied == 13


def test_rare_characters_folded_together_are_not_reported_as_copied():
    # U+20000 and U+21900 fold to the same 16-bit code; the report compares them again.
    essay = "\U00020000" + ALPHABET[:12]
    source = "\U00021900" + ALPHABET[:12]
    assert set(_corpus({1: source}).runs(normalize(essay).codes)) == {1}
    assert check_texts(essay, [("s", "s", source)]).sources == ()


def test_fold_keeps_the_basic_plane_and_never_gives_a_separator():
    codes = np.array([0x4E00, 0x61, 0x20000, 0x2A6DF], dtype=np.uint32)
    folded = fold(codes)
    assert folded.dtype == np.uint16
    assert folded[:2].tolist() == [0x4E00, 0x61]
    assert all(0xE000 <= code < 0xF900 for code in folded[2:].tolist())


def test_check_texts_reports_only_real_runs():
    sources = [
        ("near", "near.txt", OTHER[:6] + ALPHABET[:12]),  # 12 shared characters only
        ("copy", "copy.txt", "天" + ALPHABET[3:19]),
    ]
    report = check_texts(ALPHABET, sources)
    assert [s.key for s in report.sources] == ["copy"]
    assert report.copied == 16
