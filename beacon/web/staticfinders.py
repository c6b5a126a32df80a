"""Static files from npm packages: only the built files Beacon uses, not whole packages (their
sources and examples would make collectstatic slow and the static folder large)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning
from django.core.files.storage import FileSystemStorage

# URL prefix -> (folder under node_modules, the files served from it)
PACKAGES = {
    "govuk": ("govuk-frontend/dist/govuk", ["govuk-frontend.min.css", "govuk-frontend.min.css.map",
                                             "govuk-frontend.min.js", "govuk-frontend.min.js.map"]),
    "htmx": ("htmx.org/dist", ["htmx.min.js"]),
}


class NodeModulesFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        root = Path(settings.NODE_MODULES)
        self.storages = {}
        self.files = {}
        for prefix, (folder, names) in PACKAGES.items():
            storage = FileSystemStorage(location=root / folder)
            storage.prefix = prefix
            self.storages[prefix] = storage
            self.files[prefix] = [n for n in names if (root / folder / n).is_file()]

    def check(self, **kwargs):
        missing = [f"{p}/{n}" for p, (_, names) in PACKAGES.items() for n in names if n not in self.files[p]]
        if missing:
            return [Warning(f"static files from npm are missing (run npm ci): {', '.join(missing)}", id="beacon.W001")]
        return []

    def find(self, path, find_all=False, **kwargs):
        prefix, _, name = path.partition("/")
        if prefix in self.files and name in self.files[prefix]:
            found = self.storages[prefix].path(name)
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns):
        for prefix, names in self.files.items():
            for name in names:
                yield name, self.storages[prefix]
