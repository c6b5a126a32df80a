"""The one JSON serializer: everything Beacon writes as JSON goes through :func:`dumps` (the
report and register models of ``beacon report`` / ``beacon register --format json``, the files
stored when an edition is published, the web previews and downloads, the JSON API, the
``--format json`` of other commands, checksums over data snapshots).

One option set: UTF-8 text (``ensure_ascii=False``), no ``NaN`` or ``Infinity`` (they are not
JSON: a value that is not a finite number is an error, not a file a reader cannot parse), keys in
the order the data holds them unless ``sort_keys`` is asked for (checksums), two-space indent for
files and none for compact text.

Besides the JSON types, :func:`dumps` writes

* an object with a ``to_json()`` method as what that method returns (a model that knows its own
  JSON shape);
* a dataclass instance as an object of its fields, in field order (like
  :func:`dataclasses.asdict`, but each field's value is converted by these same rules, so a
  nested model's ``to_json()`` is honoured);
* an :class:`~enum.Enum` member as its value;
* a :class:`~decimal.Decimal` as a number: an integer when it is whole (``Decimal("2.0")`` is
  ``2``), otherwise the nearest float;
* a date, time or date-time as ISO 8601 text (``2023-01-05``, ``2023-01-05T10:00:00+00:00``);
* a tuple as an array, a set or frozenset as a sorted array.

Anything else is a ``TypeError``, and a float that is not finite a ``ValueError``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any

__all__ = ["dumps", "to_bytes", "loads", "to_jsonable"]


def to_jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON values (dict, list, str, int, float, bool, None), by the rules above."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj.value if isinstance(obj, enum.Enum) else obj
    if isinstance(obj, enum.Enum):
        return to_jsonable(obj.value)
    if isinstance(obj, (int, float)):
        return obj
    if isinstance(obj, dict):
        return {_key(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    to_json = getattr(obj, "to_json", None)
    if callable(to_json) and not isinstance(obj, type):
        return to_jsonable(to_json())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Decimal):
        if obj.is_finite() and obj == obj.to_integral_value():
            return int(obj)
        return float(obj)
    if isinstance(obj, (dt.date, dt.datetime, dt.time)):
        return obj.isoformat()
    if isinstance(obj, (set, frozenset)):
        return sorted(to_jsonable(v) for v in obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _key(key: Any) -> str | int | float | bool | None:
    """A dict key as JSON allows it (enums by value, dates as ISO text)."""
    if isinstance(key, enum.Enum):
        key = key.value
    if isinstance(key, (dt.date, dt.datetime, dt.time)):
        return key.isoformat()
    if isinstance(key, Decimal):
        return to_jsonable(key)
    return key


def dumps(obj: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """``obj`` as JSON text. ``indent=None`` writes it on one line (``", "`` and ``": "`` between
    items, as :func:`json.dumps` does); ``sort_keys`` orders every object's keys (for checksums)."""
    return json.dumps(to_jsonable(obj), indent=indent, sort_keys=sort_keys, ensure_ascii=False, allow_nan=False)


def to_bytes(obj: Any, *, indent: int | None = 2) -> bytes:
    """The contents of a JSON file: :func:`dumps` with a final newline, in UTF-8."""
    return (dumps(obj, indent=indent) + "\n").encode("utf-8")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str | bytes) -> Any:
    """Parse JSON text (or UTF-8 bytes). ``NaN`` and ``Infinity`` are refused, as when writing."""
    return json.loads(text, parse_constant=_refuse_constant)
