"""Supporting-table arithmetic (performance spec 6.1.9): totals and 12-month columns."""

from decimal import Decimal

from beacon.domain.tables import cell_number, total_differences, twelve_month_differences

QUARTERS = ["2021/22 Q3", "2021/22 Q4", "2022/23 Q1", "2022/23 Q2"]


def rows_for(service, values, twelve=None, row_type="service"):
    rows = [{"service": service, "period": q, "period_label": q, "calls": str(v), "row_type": row_type}
            for q, v in zip(QUARTERS, values)]
    if twelve is not None:
        rows.append({"service": service, "period": "12m to 2022-09", "period_label": "Yr to Sep 22",
                     "calls": str(twelve), "row_type": row_type})
    return rows


def test_cell_number():
    assert cell_number("1,234") == Decimal(1234)
    assert cell_number("84%") == Decimal(84)
    assert cell_number("") is None and cell_number(None) is None and cell_number("n/a") is None


def test_twelve_months_must_equal_its_quarters():
    # the council's calls table: Registrations 4 + 6 + 8 + 8 = 26, printed 38
    bad = rows_for("Registrations", [4, 6, 8, 8], twelve=38)
    [d] = twelve_month_differences(bad, ["service"], ["calls"])
    assert (d.printed, d.computed, d.kind) == (Decimal(38), Decimal(26), "twelve_months")
    # within rounding: four rounded cells may be off by up to 2
    assert twelve_month_differences(rows_for("X", [4, 6, 8, 8], twelve=28), ["service"], ["calls"]) == []
    assert twelve_month_differences(rows_for("X", [4, 6, 8, 8], twelve=29), ["service"], ["calls"]) != []
    # a missing quarter: nothing to check
    assert twelve_month_differences(rows_for("X", [4, 6, 8], twelve=99), ["service"], ["calls"]) == []


def test_total_rows_must_equal_their_members():
    rows = rows_for("A", [1, 2, 3, 4]) + rows_for("B", [10, 20, 30, 40]) + rows_for("Total", [11, 22, 33, 50], row_type="total")
    [d] = total_differences(rows, ["service"], ["calls"])
    assert d.row["period"] == "2022/23 Q2" and d.printed == 50 and d.computed == 44
    # members must share the other row columns: a different measure is not summed
    rows = [
        {"category": "A", "measure": "gbp", "period": "2022/23 Q2", "value": "5", "row_type": "category"},
        {"category": "B", "measure": "gbp", "period": "2022/23 Q2", "value": "6", "row_type": "category"},
        {"category": "Ratio", "measure": "percent", "period": "2022/23 Q2", "value": "98", "row_type": "ratio"},
        {"category": "Total", "measure": "gbp", "period": "2022/23 Q2", "value": "11", "row_type": "total"},
    ]
    assert total_differences(rows, ["category", "measure"], ["value"]) == []
