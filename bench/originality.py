"""Originality check (查重) on generated essays: quality against planted copies, the naive
pairwise comparison, the engine alone against 60,000 stored essays, and the app on the
benchmark's database: one check as a submission gets it, and a full rescan of 60,000.

The essays are generated (seeded) from a few hundred made-up words of common characters plus
real stock phrases of official writing, with Chinese punctuation and paragraphs, so independent
essays share the phrases but not whole sentences. The quality figures are the engine's (the
database only stores what it finds).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.figures import PART, Figure, at_least, below, recorded
from huodong.originality.engine import Corpus, Report, normalize, report_from_runs

ESSAY_CHARS = 3_000
STORED = 60_000
PROCESSES = 2
SINGLE_CHECKS = 20
QUALITY_CORPUS = 2_000
PLANTS = 110
INDEPENDENT_SAMPLE = 400
PLANT_LENGTHS = (13, 14, 16, 20, 30, 50, 80, 120, 200, 300, 400)
NAIVE_CORPUS = 1_000
NAIVE_PAIRS = 200
FLAG_RATIO = 0.30

# Common characters of official writing; words are drawn from them.
_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各"
    "重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
    "想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接"
    "知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北"
    "造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打"
    "白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今"
    "集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近"
    "矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写"
    "存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听"
    "该铁价严"
)
# Stock phrases every essay of a campaign repeats; none reaches 13 characters, so on their own
# they never make a copied run, but they make independent essays share many fingerprints.
STOCK_PHRASES = [
    "解放思想",
    "高质量发展",
    "营商环境",
    "改革创新",
    "担当作为",
    "真抓实干",
    "为民服务",
    "不忘初心",
    "牢记使命",
    "以人民为中心",
    "全面从严治党",
    "实事求是",
    "转变作风",
    "提高效率",
    "放管服改革",
    "优化服务",
    "群众满意",
    "对标一流",
    "主动作为",
    "攻坚克难",
    "深化改革",
    "扩大开放",
    "新发展理念",
    "守正创新",
    "履职尽责",
    "开拓进取",
    "干事创业",
    "求真务实",
    "狠抓落实",
    "凝心聚力",
    "补齐短板",
    "固本培元",
    "久久为功",
    "只争朝夕",
    "勇于担当",
    "敢于斗争",
    "学思践悟",
    "知行合一",
    "统筹兼顾",
    "协调发展",
    "绿色发展",
    "共享发展",
    "依法行政",
    "简政放权",
    "最多跑一次",
    "互联网加政务服务",
    "一网通办",
    "便民利民",
    "廉洁自律",
    "作风建设",
]
_GENERATED_WORDS = 400
# Per token: a comma, a full stop, or a full stop that ends the paragraph; the rest are words.
_PUNCTUATION = (("，", 0.10), ("。", 0.04), ("。\n", 0.01))
_STOCK_SHARE = 0.08


def _vocabulary(seed: int) -> tuple[list[str], np.ndarray]:
    """The token strings (words, stock phrases, punctuation) and their chances."""
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < _GENERATED_WORDS:
        size = rng.choices((1, 2, 3, 4), weights=(15, 60, 15, 10))[0]
        words.add("".join(rng.choice(_COMMON) for _ in range(size)))
    generated = sorted(words)
    rng.shuffle(generated)
    # Zipf-like: a few words are frequent, as in real writing.
    word_weights = 1.0 / (np.arange(len(generated)) + 20.0)
    word_share = 1.0 - _STOCK_SHARE - sum(share for _, share in _PUNCTUATION)
    weights = np.concatenate(
        (
            word_weights / word_weights.sum() * word_share,
            np.full(len(STOCK_PHRASES), _STOCK_SHARE / len(STOCK_PHRASES)),
            [share for _, share in _PUNCTUATION],
        )
    )
    tokens = generated + list(STOCK_PHRASES) + [mark for mark, _ in _PUNCTUATION]
    return tokens, weights / weights.sum()


def generate_texts(count: int, *, seed: int, chars: int = ESSAY_CHARS) -> list[str]:
    """`count` independent essays of about `chars` characters, built in numpy: token ids are
    drawn for a block of essays at once and their code points gathered from a padded table."""
    tokens, weights = _vocabulary(0)
    width = max(len(token) for token in tokens)
    table = np.zeros((len(tokens), width), dtype=np.uint32)
    lengths = np.array([len(token) for token in tokens])
    for number, token in enumerate(tokens):
        table[number, : len(token)] = [ord(c) for c in token]
    mean_length = float((lengths * weights).sum())
    per_essay = int(chars / mean_length) + 1
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    block = 2_000
    for first in range(0, count, block):
        size = min(block, count - first)
        ids = rng.choice(len(tokens), size=(size, per_essay), p=weights)
        codes = table[ids].reshape(size, -1)
        kept = codes != 0
        counts = kept.sum(axis=1)
        flat = codes[kept]
        ends = np.cumsum(counts)
        data = flat.astype("<u4").tobytes()
        start = 0
        for end in ends.tolist():
            texts.append(data[start * 4 : end * 4].decode("utf-32-le"))
            start = end
    return texts


def _corpus_of(texts: list[str]) -> Corpus:
    return Corpus.build((number, normalize(text).codes) for number, text in enumerate(texts))


# --- checking -------------------------------------------------------------------------------

# What forked workers read: set before the pool starts, shared copy-on-write, never pickled.
_SHARED: dict[str, object] = {}


def check(essay: str, corpus: Corpus, texts: list[str], exclude=()) -> Report:
    """One check as the app makes it: normalise, find the runs in the corpus, and build the
    report, reading (normalising) only the sources that share a run."""
    mine = normalize(essay)
    found = corpus.runs(mine.codes, exclude=exclude)
    return report_from_runs(
        mine,
        (
            (number, str(number), runs, normalize(texts[number], quotes=False))
            for number, runs in found.items()
        ),
    )


def _in_processes(worker: Callable, items: list, **shared) -> list:
    _SHARED.clear()
    _SHARED.update(shared)
    try:
        with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
            return pool.map(worker, items, chunksize=max(1, len(items) // (PROCESSES * 8)))
    finally:
        _SHARED.clear()


def _covered(report: Report) -> list[tuple[int, int]]:
    return [(run.start, run.end) for source in report.sources for run in source.runs]


def _check_stored(number: int) -> tuple[float, list[tuple[int, int]], list[tuple[int, int]]]:
    """Worker: a stored essay against the others; its ratio, runs, and runs by source."""
    texts = _SHARED["texts"]
    report = check(texts[number], _SHARED["corpus"], texts, exclude=(number,))
    by_source = [
        (int(source.key), run.start, run.end, run.source_start)
        for source in report.sources
        for run in source.runs
    ]
    return report.ratio, _covered(report), by_source


# --- quality --------------------------------------------------------------------------------


def _repunctuated(passage: str) -> str:
    """The same characters with other punctuation and spacing, as a copier might retype."""
    changed = passage.replace("，", "、 ").replace("。", "；\n")
    return " ".join(changed[i : i + 7] for i in range(0, len(changed), 7))


def plant_copies(texts: list[str], count: int, seed: int):
    """Copies passages of known length from `count` source essays into as many others, each
    over the same number of normalised characters so the target's length does not change."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(texts)).tolist()
    sources, targets, independent = order[:count], order[count : 2 * count], order[2 * count :]
    planted = list(texts)
    plants = []  # (target, source, position in target, position in source, length)
    for number, (source, target) in enumerate(zip(sources, targets, strict=True)):
        length = PLANT_LENGTHS[number % len(PLANT_LENGTHS)]
        theirs, mine = normalize(texts[source]), normalize(texts[target])
        at_source = int(rng.integers(0, len(theirs) - length))
        at_target = int(rng.integers(0, len(mine) - length))
        copied_start, copied_end = theirs.span(at_source, at_source + length)
        passage = texts[source][copied_start:copied_end]
        if number % 3 == 1:
            passage = _repunctuated(passage)
        start, end = mine.span(at_target, at_target + length)
        planted[target] = texts[target][:start] + passage + texts[target][end:]
        plants.append((target, source, at_target, at_source, length))
    return planted, plants, independent


def quality_rows() -> list[Figure]:
    texts = generate_texts(QUALITY_CORPUS, seed=11)
    planted, plants, independent = plant_copies(texts, PLANTS, seed=12)
    targets = [plant[0] for plant in plants]
    # Independent essays share runs too, by chance; the truth counts those the target already
    # shared before the copy was planted.
    before = _in_processes(_check_stored, targets, corpus=_corpus_of(texts), texts=texts)
    planted_corpus = _corpus_of(planted)
    after = _in_processes(_check_stored, targets, corpus=planted_corpus, texts=planted)
    found = 0
    errors = []
    for (target, source, at_target, at_source, length), old, new in zip(
        plants, before, after, strict=True
    ):
        size = len(normalize(planted[target]))
        truth = np.zeros(size, dtype=bool)
        for start, end in old[1]:
            truth[start:end] = True
        truth[at_target : at_target + length] = True
        errors.append(abs(new[0] - truth.sum() / size))
        found += any(
            key == source
            and start <= at_target
            and end >= at_target + length
            and source_start - start == at_source - at_target
            for key, start, end, source_start in new[2]
        )
    sample = independent[:INDEPENDENT_SAMPLE]
    ratios = np.array(
        [r[0] for r in _in_processes(_check_stored, sample, corpus=planted_corpus, texts=planted)]
    )
    flagged = int((ratios > FLAG_RATIO).sum())
    lengths = f"{min(PLANT_LENGTHS)}-{max(PLANT_LENGTHS)}"
    error_points = float(np.max(errors) * 100)
    flagged_share = flagged / len(sample) * 100
    return [
        at_least(
            f"originality: planted copies found ({lengths} chars, 1/3 re-punctuated)",
            found,
            "copies",
            len(plants),
            f"{found}/{len(plants)}",
            target=f"all ({len(plants)})",
            shown_target="all",
        ),
        below(
            f"originality: 复制比 error vs planted truth ({len(plants)} essays)",
            round(error_points, 2),
            "percentage points (max)",
            2,
            f"mean {np.mean(errors) * 100:.2f}, max {error_points:.2f} percentage points",
            target="within 2 points",
        ),
        below(
            f"originality: independent essays above {FLAG_RATIO:.0%} ({len(sample)} checked)",
            round(flagged_share, 2),
            "%",
            1,
            f"{flagged_share:.2f}% ({flagged}); mean ratio {ratios.mean():.2%}, "
            f"max {ratios.max():.2%}",
            target="< 1%",
        ),
    ]


# --- naive comparison -----------------------------------------------------------------------


def naive_rows() -> list[Figure]:
    texts = generate_texts(NAIVE_CORPUS, seed=21)
    pairs_total = NAIVE_CORPUS * (NAIVE_CORPUS - 1) // 2
    rng = random.Random(22)
    pairs = [tuple(rng.sample(range(NAIVE_CORPUS), 2)) for _ in range(NAIVE_PAIRS)]
    start = time.perf_counter()
    for first, second in pairs:
        # Without autojunk, which would skip every common character and miss copied runs.
        matcher = difflib.SequenceMatcher(None, texts[first], texts[second], autojunk=False)
        [block for block in matcher.get_matching_blocks() if block.size >= 13]
    naive = (time.perf_counter() - start) / len(pairs) * pairs_total
    start = time.perf_counter()
    corpus = _corpus_of(texts)
    for number in range(NAIVE_CORPUS):
        check(texts[number], corpus, texts, exclude=(number,))
    ours = time.perf_counter() - start
    name = (
        f"originality: ours, corpus built + every essay checked, {NAIVE_CORPUS:,} essays (measured)"
    )
    return [
        recorded(
            f"originality: naive difflib (autojunk off), all {pairs_total:,} pairs of "
            f"{NAIVE_CORPUS:,} essays (extrapolated from {NAIVE_PAIRS} pairs)",
            round(naive),
            "s",
            f"{naive:,.0f} s",
            shown_target="for comparison",
        ),
        Figure(
            name,
            round(naive / ours),
            "x faster than naive",
            ">= 100x",
            naive / ours >= 100,
            f"{ours:.1f} s; {naive / ours:,.0f}x faster than naive (extrapolated)",
            (recorded(f"{name}{PART}time", round(ours, 2), "s", f"{ours:.1f} s"),),
        ),
    ]


# --- the engine alone at 60,000 -------------------------------------------------------------


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine_rows(texts: list[str], *, timed, p) -> list[Figure]:
    start = time.perf_counter()
    corpus = _corpus_of(texts)
    built = time.perf_counter() - start
    new_essays = iter(generate_texts(SINGLE_CHECKS + 1, seed=32))
    samples = timed(lambda: check(next(new_essays), corpus, texts), repeat=SINGLE_CHECKS)
    corpus_name = f"originality engine: corpus of {STORED:,} essays (normalise, fingerprint, sort)"
    check_name = (
        f"originality engine: check one {ESSAY_CHARS:,}-char essay against {STORED:,}, "
        "no database (p50 / p95)"
    )
    p50, p95 = p(samples, 0.5), p(samples, 0.95)
    return [
        recorded(
            corpus_name,
            round(built, 1),
            "s",
            f"{built:.1f} s; {len(corpus.postings):,} postings, {corpus.nbytes / 2**20:,.0f} MiB",
            shown_target="setup",
            parts=[
                recorded(
                    f"{corpus_name}{PART}size",
                    round(corpus.nbytes / 2**20, 1),
                    "MiB",
                    f"{corpus.nbytes / 2**20:,.0f} MiB",
                )
            ],
        ),
        below(
            check_name,
            round(p95, 2),
            "ms",
            100,
            f"{p50:.1f} / {p95:.1f} ms",
            parts=[recorded(f"{check_name}{PART}p50", round(p50, 2), "ms", f"{p50:.1f} ms")],
        ),
    ]


# --- the app on the database at 60,000 ------------------------------------------------------

_BATCH = 1_000


def _store(office, texts: list[str]) -> None:
    from huodong.originality.models import DocumentKind, OriginalityDocument

    for first in range(0, len(texts), _BATCH):
        OriginalityDocument.objects.bulk_create(
            OriginalityDocument(
                office=office,
                kind=DocumentKind.REFLECTION,
                title=f"心得体会 {first + number + 1}",
                text=text,
                text_hash=hashlib.sha256(text.encode()).hexdigest(),
            )
            for number, text in enumerate(texts[first : first + _BATCH])
        )


def _planted_essays(texts: list[str], ids: list[int]) -> list[tuple[str, int]]:
    """New essays, each holding a 100-character passage of a stored one (and its id)."""
    rng = random.Random(34)
    essays = []
    for essay in generate_texts(SINGLE_CHECKS + 1, seed=32):
        number = rng.randrange(len(texts))
        source = texts[number]
        at = rng.randrange(len(source) - 200)
        essays.append((essay[:1500] + source[at : at + 100] + essay[1500:], ids[number]))
    return essays


def database_rows(texts: list[str], *, timed, p) -> list[Figure]:
    from huodong.orgs.models import Office
    from huodong.originality import index_cache
    from huodong.originality.models import DocumentKind, OriginalityDocument
    from huodong.originality.services import document_check

    office = Office.objects.create(name="查重基准办公室")
    start = time.perf_counter()
    _store(office, texts)
    stored = time.perf_counter() - start
    ids = list(
        OriginalityDocument.objects.filter(office=office)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    index_cache.reset()
    start = time.perf_counter()
    index_cache.warm(office.pk)
    built = time.perf_counter() - start

    planted = iter(_planted_essays(texts, ids))
    found = []

    def one_check() -> None:
        essay, source_id = next(planted)
        document = OriginalityDocument.objects.create(
            office=office,
            kind=DocumentKind.REFLECTION,
            title="新提交的心得体会",
            text=essay,
            text_hash=hashlib.sha256(essay.encode()).hexdigest(),
        )
        # Timed as the background task runs it: the new document is read into the process's
        # corpus (the overlay), checked, and its report stored.
        start = time.perf_counter()
        report = document_check(document_id=document.pk)
        elapsed.append((time.perf_counter() - start) * 1000)
        found.append(report is not None and report.sources.filter(source_id=source_id).exists())

    elapsed: list[float] = []
    timed(one_check, repeat=SINGLE_CHECKS)
    samples = elapsed[1:]  # the first warms up, as `timed` does
    index_cache.reset()
    rescan = _rescan_in_fresh_process(office.pk)
    check_name = (
        f"originality app: check one new {ESSAY_CHARS:,}-char essay against {len(texts):,} "
        "and store its report (p50 / p95)"
    )
    p50, p95 = p(samples, 0.5), p(samples, 0.95)
    sources_found = sum(found[1:])
    minutes = rescan["seconds"] / 60
    return [
        recorded(
            f"originality app: store {len(texts):,} essays in the database",
            round(stored, 1),
            "s",
            f"{stored:.1f} s",
            shown_target="setup",
        ),
        recorded(
            f"originality app: build the office's corpus from the database ({len(texts):,})",
            round(built, 1),
            "s",
            f"{built:.1f} s",
            shown_target="once per process",
        ),
        below(
            check_name,
            round(p95, 2),
            "ms",
            100,
            f"{p50:.1f} / {p95:.1f} ms; planted source found {sources_found}/{len(samples)}",
            parts=[
                recorded(f"{check_name}{PART}p50", round(p50, 2), "ms", f"{p50:.1f} ms"),
                at_least(
                    f"{check_name}{PART}planted source found",
                    sources_found,
                    "checks",
                    len(samples),
                    f"{sources_found}/{len(samples)}",
                    target=f"all ({len(samples)})",
                ),
            ],
        ),
        below(
            f"originality app: full rescan of {rescan['total']:,} essays on {rescan['processes']} "
            "processes (corpus build included; measured)",
            round(minutes, 2),
            "min",
            5,
            f"{minutes:.1f} min",
        ),
        below(
            "originality app: rescan peak memory, the worker and its forked checkers together "
            "(PSS: the corpus they share counted once)",
            round(rescan["peak_pss_mib"], 1),
            "MiB",
            2 * 10**9 / 2**20,
            f"{rescan['peak_pss_mib']:,.0f} MiB",
            target="< 2 GB",
        ),
    ]


def _rescan_in_fresh_process(office_id: int) -> dict:
    """A full rescan as the worker runs it, in a new process, so that its memory is its own."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "HUODONG_RESCAN_PROCESSES": str(PROCESSES)}
    result = subprocess.run(
        [sys.executable, "-m", "bench.originality_rescan", str(office_id)],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(*, timed, p) -> list[Figure]:
    rows = [*quality_rows(), *naive_rows()]
    texts = generate_texts(STORED, seed=31)
    rows += engine_rows(texts, timed=timed, p=p)
    rows += database_rows(texts, timed=timed, p=p)
    return rows
