"""Typed, frozen records with documented fields, and their JSON shape, in one place.

A report model (``beacon.domain.qpr_model``) is made of *records*: frozen dataclasses declared
with :func:`record`, every field declared with :func:`fact` and a sentence of documentation.
From that one declaration come

* the Python object every output renders from (attributes, enums, tuples: never string keys);
* its JSON form, by :func:`to_plain` (field order is declaration order; enums are their values;
  tuples are lists; a field declared ``omit_none`` is left out while it is ``None``, and one
  declared ``present_with="other"`` is written only when ``other`` is written);
* the object again from that JSON, by :func:`from_plain` (a published snapshot read back);
* the field reference of the documentation (``docs/report-model.md``), by :func:`describe`.

Pure: no Django, no clock.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

__all__ = ["record", "fact", "is_record", "to_plain", "from_plain", "describe", "FieldDoc", "type_text"]

_MISSING = dataclasses.MISSING


def record(cls=None, /, **kwargs):
    """``@record``: a frozen, keyword-only dataclass whose fields are documented facts."""

    def wrap(c):
        c = dataclasses.dataclass(frozen=True, kw_only=True, **kwargs)(c)
        c.__record__ = True
        return c

    return wrap if cls is None else wrap(cls)


def fact(doc: str, *, default: Any = None, default_factory: Any = _MISSING, omit_none: bool = False,
         present_with: str | None = None, example: str = ""):
    """A documented field. ``doc`` is its documentation (Markdown); ``default`` is ``None``
    unless given (tuples are fine defaults); ``omit_none`` leaves the field out of the JSON while
    it is ``None``; ``present_with`` writes it only when that other field is written."""
    metadata = {"doc": doc, "omit_none": omit_none, "present_with": present_with, "example": example}
    if default_factory is not _MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def is_record(obj_or_cls) -> bool:
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    return bool(getattr(cls, "__record__", False)) and dataclasses.is_dataclass(cls)


# --- to JSON-able data ----------------------------------------------------------------------
def to_plain(obj: Any) -> Any:
    """``obj`` as JSON-able data (dicts, lists, strings, numbers, booleans, None)."""
    if obj is None or isinstance(obj, (bool, int, float)) and not isinstance(obj, enum.Enum):
        return obj
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, str):
        return str(obj)
    if is_record(obj):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.metadata.get("omit_none") and value is None:
                continue
            other = f.metadata.get("present_with")
            if other is not None and getattr(obj, other) is None:
                continue
            out[f.name] = to_plain(value)
        return out
    for method in ("to_json", "to_dict"):  # a foreign object that knows its own JSON (RuleSet)
        if callable(getattr(obj, method, None)):
            return to_plain(getattr(obj, method)())
    if dataclasses.is_dataclass(obj):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k.value if isinstance(k, enum.Enum) else k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    raise TypeError(f"{type(obj).__name__} is not JSON data")


# --- from JSON-able data --------------------------------------------------------------------
@cache
def _hints(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _optional_inner(tp):
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return args[0] if len(args) == 1 else Any


def from_plain(tp: Any, data: Any) -> Any:
    """The typed value of JSON-able ``data`` for the type ``tp`` (a record, an enum, a list,
    tuple or dict of them, ``X | None``). A field missing from ``data`` takes its default."""
    if data is None or tp is Any:
        return data
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return from_plain(_optional_inner(tp), data)
    if origin in (tuple, list):
        args = typing.get_args(tp)
        item = args[0] if args else Any
        values = [from_plain(item, v) for v in data]
        return tuple(values) if origin is tuple else values
    if origin in (dict, Mapping):
        args = typing.get_args(tp)
        value_type = args[1] if len(args) == 2 else Any
        return {k: from_plain(value_type, v) for k, v in data.items()}
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return tp(data)
        if is_record(tp):
            hints = _hints(tp)
            kwargs = {f.name: from_plain(hints[f.name], data[f.name])
                      for f in dataclasses.fields(tp) if f.name in data}
            return tp(**kwargs)
        if callable(getattr(tp, "from_dict", None)):
            return tp.from_dict(data)
    return data


# --- documentation --------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    doc: str
    record: type | None  # the record type the field holds (for a link to its section)


def _record_of(tp) -> type | None:
    if isinstance(tp, type) and is_record(tp):
        return tp
    for arg in typing.get_args(tp):
        found = _record_of(arg)
        if found is not None:
            return found
    return None


def type_text(tp: Any) -> str:
    """The JSON type of ``tp`` in words: "string or null", "`GREEN`/`AMBER`/`RED` or null",
    "list of strings", "counts", "{key: counts}"."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return f"{type_text(_optional_inner(tp))} or null"
    if origin in (tuple, list):
        args = typing.get_args(tp)
        inner = type_text(args[0]) if args else "values"
        return "list of " + (inner + "s" if inner in ("string", "number") else inner)
    if origin in (dict, Mapping):
        args = typing.get_args(tp)
        value = "value" if len(args) != 2 or args[1] is Any else type_text(args[1])
        return f"{{key: {value}}}"
    if tp is Any:
        return "object or null"
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return "/".join(f"`{m.value}`" for m in tp)
        if is_record(tp):
            return getattr(tp, "__json_name__", tp.__name__)
        if tp is bool:
            return "bool"
        if tp in (int, float):
            return "number"
        if tp is str:
            return "string"
    return "object"


def describe(cls) -> list[FieldDoc]:
    """The documented fields of a record, in order."""
    hints = _hints(cls)
    return [FieldDoc(f.name, type_text(hints[f.name]), f.metadata.get("doc", ""), _record_of(hints[f.name]))
            for f in dataclasses.fields(cls)]
