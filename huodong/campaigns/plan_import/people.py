"""Person names as plans write them: 局长张三, 王立新（局党组书记、局长）, 李四同志."""

from __future__ import annotations

import re

from .textutil import fold_width

# A listed person is a name of 2-4 characters unless it reads as a post or a unit.
PERSON_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
POST_OR_UNIT = re.compile(
    r"^[各全每本市县区办]|(?:书记|负责人|成员|主任|领导|长|干部|人员|班子|处|室|科|局|部|中心|支部)$"
)
# Longest first, so 副局长 is taken whole rather than leaving 副 behind.
_POSTS = sorted(
    {
        "党组书记",
        "党委书记",
        "党总支书记",
        "党支部书记",
        "支部书记",
        "党组副书记",
        "副书记",
        "书记",
        "党组成员",
        "纪检监察组长",
        "纪检组长",
        "副局长",
        "局长",
        "副主任",
        "主任",
        "副县长",
        "县长",
        "副区长",
        "区长",
        "副市长",
        "市长",
        "副处长",
        "处长",
        "副科长",
        "科长",
        "副股长",
        "股长",
        "所长",
        "站长",
        "队长",
        "副部长",
        "部长",
        "主任科员",
        "调研员",
        "总经理",
        "经理",
        "董事长",
        "副主席",
        "主席",
        "秘书长",
        "院长",
        "副院长",
        "校长",
        "副校长",
    },
    key=len,
    reverse=True,
)
_POST = "|".join(_POSTS)
# An office's name may come before the post: 局党组书记, 县交通运输局局长.
_POST_PREFIX = re.compile(rf"^[\u4e00-\u9fff]{{0,8}}?(?:{_POST})")
_POST_SUFFIX = re.compile(rf"(?:{_POST})$")
_POST_ANYWHERE = re.compile(_POST)
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")
NAME_SEPARATORS = re.compile(r"[、，,；;和及与]+|同志")


def without_brackets(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _BRACKETED.sub("", text)
    return text


def _is_name(text: str) -> bool:
    # 局长张三 is four characters too: a post inside means it is not a bare name.
    return (
        bool(PERSON_NAME.match(text))
        and not POST_OR_UNIT.search(text)
        and not _POST_ANYWHERE.search(text)
    )


def person_name(token: str) -> str | None:
    """The name in one list entry, without the post around it; None if there is none."""
    token = without_brackets(fold_width(token)).replace("同志", "").strip(" 。.，,：:")
    if _is_name(token):
        return token
    # Strip posts in front (局长张三, 局党组书记局长张三) one by one.
    rest = token
    while (m := _POST_PREFIX.match(rest)) and len(rest) - m.end() >= 2:
        rest = rest[m.end() :]
        if _is_name(rest):
            return rest
    if (m := _POST_SUFFIX.search(token)) and _is_name(token[: m.start()]):
        return token[: m.start()]
    return None


def _space_separated(part: str) -> list[str]:
    # Two-character names are padded to line up with longer ones (王　刚), so a lone
    # character belongs to the token after it rather than being a name of its own.
    tokens: list[str] = []
    pending = ""
    for token in part.split():
        if len(token) == 1 and not pending:
            pending = token
            continue
        tokens.append(pending + token)
        pending = ""
    if pending:
        tokens.append(pending)
    return tokens


def person_names(text: str) -> list[str]:
    """Every person named in a list such as 王立新（局长）、李明同志 或 局长张三, in order."""
    names: list[str] = []
    for part in NAME_SEPARATORS.split(without_brackets(fold_width(text))):
        for token in _space_separated(part):
            name = person_name(token)
            if name and name not in names:
                names.append(name)
    return names
