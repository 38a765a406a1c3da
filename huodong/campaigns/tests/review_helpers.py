"""Helpers for the plan import and review tests: the page's form as a browser would submit it."""

from __future__ import annotations

from html.parser import HTMLParser

from huodong.campaigns.tests.conftest import seed_bytes


class _FormFields(HTMLParser):
    """Every control a browser submits from the form of one class (without the buttons)."""

    def __init__(self, css_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and self.css_class in a.get("class", "").split():
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            kind = a.get("type", "text")
            name = a.get("name")
            if not name or kind in {"submit", "button", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""
        elif tag == "select":
            self._select, self._select_value, self._first_option = a.get("name"), None, None
        elif tag == "option" and self._select is not None:
            # Django always writes an option's value.
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None


def form_data(html: str, css_class: str = "review-plan") -> dict[str, str]:
    """The review form's fields and values, as the browser would post them (last one wins)."""
    parser = _FormFields(css_class)
    parser.feed(html)
    return dict(parser.fields)


def task_index(data: dict[str, str], seq: int) -> int:
    """The formset index of the task numbered `seq` in posted review data."""
    for key, value in data.items():
        if key.startswith("tasks-") and key.endswith("-seq") and value == str(seq):
            return int(key.split("-")[1])
    raise KeyError(seq)


def seed_text() -> str:
    return seed_bytes("plan-2018-9.txt").decode("utf-8")


def revised_seed_text() -> str:
    """The seed with task 4 due 6.10 instead of 5.31, task 14 dropped and a task 16 added."""
    text = seed_text()
    revised = text.replace("征集意见和建议。\n\t5.31\n", "征集意见和建议。\n\t6.10\n")
    assert revised != text
    start, end = revised.index("\t14\n"), revised.index("\t15\n")
    revised = revised[:start] + revised[end:]
    last = "总结大讨论活动成果。\n\t12.15\n\t综合处\n"
    assert last in revised
    return revised.replace(
        last, last + "\n\t16\n\t\n\t开展解放思想大讨论活动总结评比。\n\t12.25\n\t宣传室\n"
    )
