"""The one JSON serializer (beacon.core.jsonio): one option set, typed values, and every JSON
writer in beacon/ going through it."""

import dataclasses
import datetime as dt
import enum
import json
import math
import re
from decimal import Decimal
from pathlib import Path

import pytest

from beacon.core import jsonio

BEACON = Path(__file__).resolve().parents[2] / "beacon"


class Colour(enum.Enum):
    RED = "red"


class Level(str, enum.Enum):
    HIGH = "high"


class Count(enum.IntEnum):
    ONE = 1


@dataclasses.dataclass(frozen=True)
class Inner:
    colour: Colour
    when: dt.date


@dataclasses.dataclass(frozen=True)
class Outer:
    name: str
    inner: Inner
    items: tuple[Inner, ...] = ()
    amount: Decimal = Decimal("0")


@dataclasses.dataclass(frozen=True)
class Custom:
    hidden: str

    def to_json(self):
        return {"shown": self.hidden.upper()}


def test_plain_values_as_json_dumps_writes_them():
    data = {"b": 1, "a": [1.5, None, True, "é – £"], "c": {"x": 0.1}}
    assert jsonio.dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)
    assert jsonio.dumps(data, indent=None) == json.dumps(data, ensure_ascii=False)
    assert jsonio.dumps(data, indent=None, sort_keys=True) == json.dumps(data, sort_keys=True, ensure_ascii=False)
    assert jsonio.to_bytes(data) == (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def test_non_ascii_is_written_as_itself():
    assert jsonio.dumps("Kent – £5", indent=None) == '"Kent – £5"'


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("Infinity")])
def test_non_finite_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        jsonio.dumps({"value": bad})


def test_loads_refuses_non_finite_numbers():
    assert jsonio.loads('{"a": 1.5}') == {"a": 1.5}
    assert jsonio.loads(b'{"a": "\xc3\xa9"}') == {"a": "é"}
    for text in ('{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}'):
        with pytest.raises(ValueError):
            jsonio.loads(text)


def test_dataclasses_enums_decimals_and_dates():
    obj = Outer("K1", Inner(Colour.RED, dt.date(2023, 1, 5)), (Inner(Colour.RED, dt.date(2022, 9, 30)),), Decimal("2.50"))
    assert json.loads(jsonio.dumps(obj)) == {
        "name": "K1",
        "inner": {"colour": "red", "when": "2023-01-05"},
        "items": [{"colour": "red", "when": "2022-09-30"}],
        "amount": 2.5,
    }
    # field order is the dataclass's
    assert list(json.loads(jsonio.dumps(obj))) == ["name", "inner", "items", "amount"]


def test_enum_kinds_and_enum_keys():
    assert jsonio.dumps([Colour.RED, Level.HIGH, Count.ONE], indent=None) == '["red", "high", 1]'
    assert jsonio.dumps({Colour.RED: 1, Level.HIGH: 2}, indent=None) == '{"red": 1, "high": 2}'


def test_decimals_whole_numbers_are_integers():
    assert jsonio.dumps([Decimal("2.0"), Decimal("-3"), Decimal("0.1"), Decimal("12.345")], indent=None) == \
        "[2, -3, 0.1, 12.345]"


def test_datetimes_and_sets():
    when = dt.datetime(2023, 1, 5, 10, 30, tzinfo=dt.timezone.utc)
    assert jsonio.dumps({"at": when, "tags": {"b", "a"}}, indent=None) == \
        '{"at": "2023-01-05T10:30:00+00:00", "tags": ["a", "b"]}'


def test_to_json_is_honoured_also_when_nested():
    assert jsonio.dumps(Custom("x"), indent=None) == '{"shown": "X"}'
    assert jsonio.dumps({"c": [Custom("y")]}, indent=None) == '{"c": [{"shown": "Y"}]}'


def test_anything_else_is_a_type_error():
    with pytest.raises(TypeError):
        jsonio.dumps({"x": object()})
    with pytest.raises(TypeError):
        jsonio.dumps(Outer)  # a class, not an instance


# --- every writer uses it ----------------------------------------------------------------------
# A fingerprint that is not written anywhere as JSON (the chart cache key, which also names the
# chart inside the documents) keeps its own json.dumps: changing its bytes would change documents.
ALLOWED = {"reports/charts.py"}


def test_no_other_json_writer_or_reader_in_beacon():
    pattern = re.compile(r"\bjson\.(dumps?|loads?)\(|\bJsonResponse\b|import json as|_json\.(dumps?|loads?)\(")
    offenders = []
    for path in sorted(BEACON.rglob("*.py")):
        rel = path.relative_to(BEACON).as_posix()
        if rel == "core/jsonio.py" or rel in ALLOWED or "/migrations/" in rel:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"beacon/{rel}:{number}: {line.strip()}")
    assert not offenders, "write JSON with beacon.core.jsonio.dumps:\n" + "\n".join(offenders)


def test_the_api_writes_its_responses_with_it():
    from beacon.api.api import JsonRenderer, api

    assert isinstance(api.renderer, JsonRenderer)
    assert api.renderer.render(None, {"name": "Kent – £5", "on": dt.date(2023, 1, 5)}, response_status=200) == \
        '{"name": "Kent – £5", "on": "2023-01-05"}'
    with pytest.raises(ValueError):
        api.renderer.render(None, {"value": math.nan}, response_status=200)
