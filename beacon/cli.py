"""The ``beacon`` console script: Beacon's management commands under one name.

``beacon import PATH`` is ``django-admin import PATH`` with Beacon's settings.
"""

import os
import sys

# Commands a user runs day to day; Django's own remain available (`beacon help --commands`).
BEACON_COMMANDS = {
    "migrate": "prepare (or upgrade) the database",
    "import": "import a data bundle (CSV folder or .xlsx), all or nothing",
    "export": "export the database as a data bundle that re-imports unchanged",
    "report": "write the Quarterly Performance Report for a period (json, html, pdf, docx; open data csv, xlsx)",
    "report_settings": "load the cover header and contacts of report editions from a JSON file",
    "narrative": "list a report's generated sentences, or override one for a period",
    "publish": "freeze a period's report: data, figures, files and checksums, who and when",
    "diff": "list what changed in a published period's data since publication",
    "register": "freeze or write the Corporate Risk Register edition for a body and date (json, html, pdf, docx); "
                "supersede or withdraw one",
    "cycle_rules": "load the cycle's rules: where each report travels (QPR to Cabinet, register to Cabinet then G&A)",
    "pack": "write a meeting's agenda pack (pdf, html; public or members'); dispatch it or a supplement",
    "backup": "back up the whole database into one archive with a manifest and checksums",
    "restore": "restore a backup into an empty database (the same kind: SQLite or PostgreSQL)",
    "demo": "set up the demo: migrate, import the demo bundles, write the QPR and register editions",
    "demo_users": "create the demo sign-ins (demo databases only) and print them",
    "api_token": "issue an API token for a user",
    "serve": "run the web application (gunicorn, production settings; --dev for Django's server) and a job worker",
    "worker": "run background jobs (publishing, packs) as they are queued; beacon serve starts one itself",
    "jobs": "list the latest background jobs, their state and progress (--format json); --recover requeues stalled ones",
    "remind": "send the reminders due today and the daily digests now (--date YYYY-MM-DD); workers do it daily",
}


def _usage() -> str:
    lines = ["usage: beacon COMMAND [options]", "", "Beacon commands:"]
    width = max(len(name) for name in BEACON_COMMANDS)
    for name, text in BEACON_COMMANDS.items():
        lines.append(f"  {name.ljust(width)}  {text}")
    lines += [
        "",
        "`beacon COMMAND --help` explains a command; `beacon help --commands` lists Django's too.",
        "The database is SQLite under var/ unless BEACON_DATABASE_URL names another.",
    ]
    return "\n".join(lines)


def main(argv=None, prog="beacon") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beacon.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line([prog, *argv])
    except SystemExit as exc:  # management commands exit through CommandError -> SystemExit
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except KeyboardInterrupt:
        print(f"{prog} {argv[0]}: stopped: nothing more was done", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, not a traceback; --traceback shows it
        if "--traceback" in argv:
            raise
        print(f"{prog} {argv[0]}: {_one_line(exc)}", file=sys.stderr)
        return 1
    return 0


def _one_line(exc: Exception) -> str:
    """An error the command did not expect, in one line: a fault (the database busy or
    unreachable, the disk full) in plain words, anything else named with a pointer to
    ``--traceback``. Every write is one transaction, so nothing is half-written."""
    from beacon.core.faults import fault_of

    fault = fault_of(exc)
    if fault is not None:
        return fault.detail
    text = " ".join(str(exc).split()) or "no message"
    return f"failed: {type(exc).__name__}: {text} (nothing was saved; run again with --traceback to see where)"


if __name__ == "__main__":
    sys.exit(main())
