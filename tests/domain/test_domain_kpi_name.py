"""A KPI's printed name: the "– rolling 12 months" suffix comes from the flag, once."""

import pytest

from beacon.domain.wording import kpi_display_name


@pytest.mark.parametrize("name,rolling,expected", [
    ("Appeals heard", True, "Appeals heard – rolling 12 months"),
    ("Appeals heard – rolling 12 months", True, "Appeals heard – rolling 12 months"),
    ("Appeals heard - Rolling 12 months", True, "Appeals heard – rolling 12 months"),
    ("Appeals heard – rolling 12 months", False, "Appeals heard"),
    ("Appeals heard", False, "Appeals heard"),
])
def test_the_suffix_is_printed_once_from_the_flag(name, rolling, expected):
    assert kpi_display_name(name, rolling) == expected


def test_a_count_names_its_noun_in_the_right_number():
    from beacon.domain.wording import counted

    assert [counted(n, "KPI") for n in (0, 1, 2)] == ["0 KPIs", "1 KPI", "2 KPIs"]
    assert counted(1, "consistency check") == "1 consistency check"
    assert counted(3, "person", "people") == "3 people"
