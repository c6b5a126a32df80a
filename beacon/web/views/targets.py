"""The "Change target or floor" page of a KPI (the Performance lead, ``CHANGE_TARGET``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from beacon.core import permissions as perm
from beacon.core.stale import StaleEdit
from beacon.performance import models as pm
from beacon.performance.targets import TargetError, change_target

from ..forms import error_summary
from ..forms.targets import ChangeTargetForm


@perm.require(perm.CHANGE_TARGET)
def change(request, code):
    kpi = get_object_or_404(pm.Kpi.objects.select_related("directorate"), code=code)
    form = ChangeTargetForm(kpi, request.POST if request.method == "POST" else None)
    message = None
    if request.method == "POST" and form.is_valid():
        try:
            done = change_target(form.command(request.user.username))
        except TargetError as exc:
            rest = form.add_field_errors(exc.field_errors)
            message = " ".join(rest.values()) if rest else None
        except StaleEdit as exc:
            message = exc.message
        else:
            messages.success(request, f"The {done.get_field_display().lower()} of {kpi.code} for {done.financial_year} "
                                      f"is now {form.cleaned_data['new_value']:f}"
                                      + (f" from {done.effective_from}" if done.effective_from else "") + ".")
            return redirect(reverse("web:kpi", args=[kpi.code]) + "#target-changes")
    rows = pm.KpiTarget.objects.filter(kpi=kpi).order_by("-financial_year", "effective_from")
    errors = error_summary(message, form) if form.is_bound else {}
    return render(request, "web/kpi_target_change.html", {"kpi": kpi, "form": form, "errors": errors, "rows": rows},
                  status=400 if errors else 200)
