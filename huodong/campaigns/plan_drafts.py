"""A parsed plan to and from the JSON kept in a PlanDraft.

    data = plan_to_dict(plan)       # ParsedPlan.to_dict(full=True) + fields that shape omits
    plan = plan_from_dict(data)     # the dataclasses again

The importer's dataclasses grow (recurrence, start, leaders, year_source, problems ...), so both
directions introspect `dataclasses.fields` instead of naming attributes: a field the dataclass
has is written and read back; a key the dataclass does not (yet) have is ignored; a field the
stored JSON lacks takes its default. Drafts written by an older parser therefore still open.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from huodong.campaigns.plan_import import (
    ParsedLeadingGroup,
    ParsedPhase,
    ParsedPlan,
    ParsedQuota,
    ParsedTask,
    ParsedTheme,
)

# Titles of the leading group as `ParsedLeadingGroup.to_dict` writes them.
GROUP_TITLES = ("组长", "副组长", "成员")

T = TypeVar("T")


def plan_to_dict(plan: ParsedPlan) -> dict[str, Any]:
    """JSON-ready: the plan's `to_dict(full=True)`, completed with every dataclass field."""
    data = plan.to_dict(full=True)
    _complete(plan, data)
    return data


def plan_from_dict(data: dict[str, Any]) -> ParsedPlan:
    """Rebuild a ParsedPlan from `plan_to_dict` output (or a plain `to_dict(full=True)`)."""
    return _build(ParsedPlan, data)


# --- writing -------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def _complete(obj: Any, data: dict[str, Any]) -> None:
    """Add to `data` (a `to_dict` of `obj`) every field of `obj` that it lacks, recursively."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name not in data:
            data[f.name] = _encode(value)
        elif dataclasses.is_dataclass(value) and isinstance(data[f.name], dict):
            _complete(value, data[f.name])
        elif (
            isinstance(value, list)
            and isinstance(data[f.name], list)
            and len(value) == len(data[f.name])
        ):
            for item, item_data in zip(value, data[f.name], strict=True):
                if dataclasses.is_dataclass(item) and isinstance(item_data, dict):
                    _complete(item, item_data)


# --- reading -------------------------------------------------------------------------------


def _build(cls: type[T], data: Any) -> T:
    if not isinstance(data, dict):
        data = {}
    data = _legacy_keys(cls, data)
    hints = get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init:
            continue
        tp = hints.get(f.name, Any)
        if f.name in data:
            kwargs[f.name] = _decode(tp, data[f.name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            kwargs[f.name] = _empty(tp)
    return cls(**kwargs)


def _legacy_keys(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Keys `to_dict` spells differently from the dataclass field."""
    if cls is ParsedLeadingGroup and "members" not in data:
        members = {t: list(data[t]) for t in GROUP_TITLES if isinstance(data.get(t), list)}
        return {**data, "members": members}
    return data


def _optional_arg(tp: Any) -> tuple[Any, bool]:
    """(the type inside `X | None`, whether None is allowed)."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        allows_none = len(args) < len(get_args(tp))
        return (args[0] if len(args) == 1 else Any), allows_none
    return tp, False


def _decode(tp: Any, value: Any) -> Any:
    inner, allows_none = _optional_arg(tp)
    if value is None:
        return None if allows_none else _empty(inner)
    origin = get_origin(inner)
    if inner is dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return None if allows_none else _empty(inner)
    if isinstance(inner, type) and dataclasses.is_dataclass(inner):
        return _build(inner, value)
    if origin is list:
        (item_type,) = get_args(inner) or (Any,)
        return [_decode(item_type, v) for v in value] if isinstance(value, list) else []
    if origin is dict:
        _key_type, value_type = get_args(inner) or (Any, Any)
        if not isinstance(value, dict):
            return {}
        return {k: _decode(value_type, v) for k, v in value.items()}
    if inner is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None if allows_none else 0
    if inner is str:
        return str(value)
    return value


def _empty(tp: Any) -> Any:
    inner, allows_none = _optional_arg(tp)
    if allows_none:
        return None
    origin = get_origin(inner)
    if origin is list:
        return []
    if origin is dict:
        return {}
    if inner is str:
        return ""
    if inner is int:
        return 0
    if isinstance(inner, type) and dataclasses.is_dataclass(inner):
        return _build(inner, {})
    return None


def has_field(cls: type, name: str) -> bool:
    """Whether the importer's dataclass has a field (it grows while drafts are kept)."""
    return any(f.name == name for f in dataclasses.fields(cls))  # type: ignore[arg-type]


def blank_task(seq: int = 0) -> ParsedTask:
    """A task row added on the review screen."""
    return _build(ParsedTask, {"seq": seq})


def blank_phase() -> ParsedPhase:
    return _build(ParsedPhase, {})


def blank_theme() -> ParsedTheme:
    return _build(ParsedTheme, {})


def blank_quota() -> ParsedQuota:
    return _build(ParsedQuota, {"scope": "person", "min": 1})


__all__ = [
    "blank_phase",
    "blank_quota",
    "blank_task",
    "blank_theme",
    "has_field",
    "plan_from_dict",
    "plan_to_dict",
]
