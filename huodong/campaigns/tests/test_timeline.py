import datetime as dt
from types import SimpleNamespace

from huodong.campaigns.timeline import WIDTH, build_timeline


def phase(name, start, end):
    return SimpleNamespace(name=name, start=dt.date(*start), end=dt.date(*end))


def task(seq, due, light="pending"):
    return SimpleNamespace(seq=seq, due=dt.date(*due) if due else None, light=light)


PHASES = [phase("一", (2018, 5, 1), (2018, 5, 20)), phase("二", (2018, 5, 11), (2018, 12, 31))]


def test_bars_ticks_and_today():
    timeline = build_timeline(PHASES, [], today=dt.date(2018, 6, 20))
    first, second = timeline.bars
    assert first.x == 0 and second.x > first.x
    assert round(second.x + second.width) == WIDTH
    assert not first.current and second.current
    assert [t.label for t in timeline.ticks][:2] == ["5月", "6月"]
    assert len(timeline.ticks) == 8
    assert 0 < timeline.today_x < WIDTH


def test_no_today_line_outside_the_campaign():
    assert build_timeline(PHASES, [], today=dt.date(2019, 1, 5)).today_x is None


def test_deadlines_on_one_day_stack_instead_of_hiding_each_other():
    tasks = [task(1, (2018, 5, 31)), task(2, (2018, 5, 31)), task(3, (2018, 6, 15)), task(4, None)]
    timeline = build_timeline(PHASES, tasks, today=dt.date(2018, 6, 20))
    dots = {d.seq: d for d in timeline.deadlines}
    assert set(dots) == {1, 2, 3}
    assert dots[1].x == dots[2].x and dots[1].y != dots[2].y
    assert dots[3].y == dots[1].y


def test_nothing_to_draw():
    assert build_timeline([], [task(1, None)], today=dt.date(2018, 6, 20)) is None
