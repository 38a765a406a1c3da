"""Near-duplicate detection on Chinese text: the measure, the grouping, one suggestion's
candidates from the office's index."""

from __future__ import annotations

import random

import pytest

from huodong.suggestions import similarity
from huodong.suggestions.models import Stage
from huodong.suggestions.selectors.pool import similar_groups, suggestion_candidates
from huodong.suggestions.services.pool import suggestion_update
from huodong.suggestions.services.pool_triage import suggestion_merge

WEEKEND = "建议周末增设便民服务窗口，方便上班族办事。"
WEEKEND_AGAIN = "建议周末增加便民服务窗口，方便上班族来办事"
ONLINE = "网上办理流程还可以再简化，减少重复上传材料。"
UNRELATED = "等候区座位偏少，高峰期需要排队较久。"


def test_punctuation_width_and_spaces_do_not_count():
    assert similarity.normalise("Ａ１，建议 周末！") == "a1建议周末"
    assert similarity.similarity("建议：周末 增设窗口！", "建议周末增设窗口") == 1.0


def test_a_reworded_suggestion_is_similar_and_an_unrelated_one_is_not():
    assert similarity.similarity(WEEKEND, WEEKEND_AGAIN) >= similarity.GROUP_THRESHOLD
    assert similarity.similarity(WEEKEND, UNRELATED) < 0.1
    assert similarity.similarity(WEEKEND, "") == 0.0
    assert similarity.grams("好") == frozenset({ord("好")})


def test_groups_gather_near_duplicates_anchored_on_the_oldest():
    texts = [
        WEEKEND,
        ONLINE,
        WEEKEND_AGAIN,
        UNRELATED,
        "网上办理流程可以再简化一些，减少重复上传材料",
    ]
    items = [(key, similarity.grams(text)) for key, text in enumerate(texts, start=1)]
    groups = similarity.near_duplicate_groups(items)
    assert sorted(g.keys for g in groups) == [[1, 3], [2, 5]]
    for group in groups:
        _anchor_key, anchor_score = group.members[0]
        assert anchor_score == 1.0
        assert all(score >= similarity.GROUP_THRESHOLD for _key, score in group.members)


def test_grouping_finds_planted_duplicates_among_many_texts():
    rng = random.Random(8)
    alphabet = "政务服务窗口企业群众办理材料审批流程效率环境数据共享平台部门政策宣传"
    texts = ["".join(rng.choice(alphabet) for _ in range(30)) for _ in range(400)]
    planted = {}
    for n in range(20):
        base = texts[n * 10]
        texts.append(base[:28] + "了。")  # the same but its end
        planted[n * 10 + 1] = len(texts)
    groups = similarity.near_duplicate_groups(
        [(key, similarity.grams(text)) for key, text in enumerate(texts, start=1)]
    )
    found = {frozenset(g.keys) for g in groups}
    for original, copy in planted.items():
        assert any({original, copy} <= group for group in found)


@pytest.mark.django_db
def test_candidates_and_groups_come_from_the_office_index_and_follow_changes(pool):
    weekend = pool.suggest(WEEKEND)
    again = pool.mailbox(WEEKEND_AGAIN)
    online = pool.suggest(ONLINE)
    pool.suggest(UNRELATED)
    found = suggestion_candidates(weekend)
    assert [s.pk for s, _score in found] == [again.pk]
    assert suggestion_candidates(online) == []
    groups, total = similar_groups(pool.office)
    assert total == 1 and [s.pk for s, _score in groups[0].members] == [weekend.pk, again.pk]
    # A corrected text is read again.
    suggestion_update(actor=pool.director, suggestion=online, text=WEEKEND)
    assert {s.pk for s, _score in suggestion_candidates(weekend)} == {again.pk, online.pk}
    # A merged suggestion is no longer a candidate nor in a group.
    suggestion_merge(actor=pool.director, duplicate=again, original=weekend)
    assert [s.pk for s, _score in suggestion_candidates(weekend)] == [online.pk]
    again.refresh_from_db()
    assert again.stage == Stage.DUPLICATE and suggestion_candidates(again) == []


@pytest.mark.django_db
def test_groups_of_settled_suggestions_only_are_not_shown(pool):
    from huodong.suggestions.services.pool_triage import suggestion_triage

    first, second = pool.suggest(WEEKEND), pool.suggest(WEEKEND_AGAIN)
    for s in (first, second):
        suggestion_triage(
            actor=pool.director, suggestion=s, stage=Stage.NOT_ADOPTED, reason="不可行"
        )
    assert similar_groups(pool.office) == ([], 0)
