"""The QPR build page's form: publish the edition, with a reason for each failed consistency
check the lead accepts (a check left blank is refused)."""

from __future__ import annotations

from . import GovukForm, TextField


class PublishForm(GovukForm):
    """One field for each failed check (``failed``: its id and name), ``allow-<check id>``."""

    def __init__(self, *args, failed: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for check_id, name in failed:
            self.fields[f"allow-{check_id}"] = TextField(
                label=f"Reason to accept the failed check {check_id} {name} (leave blank to refuse)",
                error_label=f"Check {check_id}",
            )

    def allowances(self) -> dict[str, str]:
        """Check id -> the reason it is accepted, for each check given one."""
        return {name.removeprefix("allow-"): text.strip() for name, text in self.cleaned_data.items() if text.strip()}
