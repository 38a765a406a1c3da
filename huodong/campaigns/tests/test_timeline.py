import datetime as dt
from types import SimpleNamespace

from huodong.campaigns.selectors import DeadlineMark
from huodong.campaigns.timeline import WIDTH, build_timeline


def phase(name, start, end):
    return SimpleNamespace(name=name, start=dt.date(*start), end=dt.date(*end))


def mark(seq, due, light="pending", count=1):
    return DeadlineMark(due=dt.date(*due), light=light, count=count, seq=seq)


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


def test_marks_of_one_day_stack_instead_of_hiding_each_other():
    marks = [
        mark(1, (2018, 5, 31), "done_on_time", count=3),
        mark(2, (2018, 5, 31), "overdue"),
        mark(3, (2018, 6, 15)),
    ]
    timeline = build_timeline(PHASES, marks, today=dt.date(2018, 6, 20))
    dots = {d.seq: d for d in timeline.deadlines}
    assert set(dots) == {1, 2, 3}
    assert dots[1].x == dots[2].x and dots[1].y != dots[2].y
    assert dots[3].y == dots[1].y
    assert dots[1].count == 3
    assert timeline.height > build_timeline(PHASES, marks[2:], today=dt.date(2018, 6, 20)).height


def test_nothing_to_draw():
    assert build_timeline([], [], today=dt.date(2018, 6, 20)) is None
