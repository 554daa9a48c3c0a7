"""The collab-assess command, for admin tasks: set up the database, load or remove demo peers,
check the question bank, make a board report, export and import data, back up and restore,
and give people roles for shared mode.

Every command takes --db to name the database file (default: $COLLAB_ASSESS_DB, else
data/collab_assess.duckdb). Errors print one plain message and exit with status 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from collab_assess.content.bank import BANK_DIR_ENV_VAR, load_banks, load_current_bank
from collab_assess.errors import CollabAssessError, InputError
from collab_assess.operations.cli_roles import add_role_arguments, cmd_grant, cmd_revoke, cmd_roles
from collab_assess.operations.demo import DEMO_SEED, demo_banks, generate_demo
from collab_assess.store import DB_ENV_VAR, Store, default_db_path
from collab_assess.store.database import disk_problem, one_line, storage_error


def _open(args: argparse.Namespace) -> Store:
    store = Store(args.db)
    args.opened.append(store)  # closed by main() when the command ends
    store.register_bank(load_current_bank(args.bank_dir))
    return store


def cmd_init(args: argparse.Namespace) -> str:
    store = _open(args)
    return f"Database ready at {store.path} (schema version {store.schema_version()})."


def cmd_demo(args: argparse.Namespace) -> str:
    store = _open(args)
    if store.has_demo_data():
        return "Demo peers are already loaded; nothing to do."
    if args.if_empty and not store.is_empty():
        return "The database already holds collaboratives; demo peers not loaded."
    started = time.perf_counter()
    bank, earlier = demo_banks(load_banks(args.bank_dir))
    dataset = generate_demo(bank, seed=args.seed, earlier_bank=earlier)
    counts = store.import_demo(dataset, [each for each in (bank, earlier) if each is not None])
    took = time.perf_counter() - started
    return (
        f"Loaded synthetic demo peers into {store.path} in {took:.1f}s: "
        + ", ".join(f"{count} {name}" for name, count in counts.items())
        + ". Remove them any time with `collab-assess remove-demo`."
    )


def cmd_remove_demo(args: argparse.Namespace) -> str:
    store = _open(args)
    removed = store.remove_demo()
    if not removed.get("collaboratives"):
        return "There were no demo peers to remove."
    return (
        f"Removed {removed['collaboratives']} synthetic collaboratives and everything recorded for "
        f"them ({removed['answers']} answers). Real collaboratives were not touched."
    )


def cmd_check_bank(args: argparse.Namespace) -> str:
    banks = load_banks(args.bank_dir)
    lines = [
        f"Version {bank.version}: {len(bank.areas)} areas, {len(bank.statements)} statements: "
        "valid."
        for bank in banks.values()
    ]
    lines.append(f"New rounds use version {max(banks)}.")
    return "\n".join(lines)


def cmd_info(args: argparse.Namespace) -> str:
    store = _open(args)
    counts = store.table_counts()
    lines = [f"Database: {store.path}", f"Schema version: {store.schema_version()}"]
    lines += [f"{name.replace('_', ' ').capitalize()}: {count}" for name, count in counts.items()]
    lines.append(f"Demo peers loaded: {'yes' if store.has_demo_data() else 'no'}")
    return "\n".join(lines)


def _chosen_round(store: Store, args: argparse.Namespace) -> tuple:
    collaborative = store.find_collaborative(args.collaborative)
    return collaborative, store.find_round(collaborative.id, args.round)


def _write_output(out: Path, content: bytes | str) -> str:
    """Write a file whole or not at all: into a temporary file beside it, then renamed over it."""
    out = out.expanduser()
    if out.is_dir():
        raise InputError(f"{out} is a folder: give the name of the file to write.")
    if not out.parent.exists():
        raise InputError(f"The folder {out.parent} does not exist.")
    replaced = out.exists()
    partial = out.with_name(f".{out.name}.partial")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        partial.write_bytes(data)
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        why = {"full": "the disk is full", "read-only": "its folder is read-only"}.get(
            disk_problem(error) or "", one_line(error))
        raise InputError(f"{out} could not be written: {why}. Nothing was written.") from error
    size = f"{len(data) / 1024:,.0f} KB"
    return f"Wrote {out} ({size}{', replacing the file that was there' if replaced else ''})."


def cmd_report(args: argparse.Namespace) -> str:
    from collab_assess.report import build_board_report, report_file_name, report_html, report_pdf

    store = _open(args)
    _, assessment_round = _chosen_round(store, args)
    report = build_board_report(store, assessment_round.id)
    content = report_pdf(report) if args.format == "pdf" else report_html(report)
    return _write_output(args.out or Path(report_file_name(report, args.format)), content)


def cmd_export(args: argparse.Namespace) -> str:
    from collab_assess.exchange.export import (
        collaborative_export,
        export_csv_zip,
        export_file_name,
        export_xlsx,
    )

    store = _open(args)
    collaborative = store.find_collaborative(args.collaborative)
    export = collaborative_export(store, collaborative.id)
    content = export_xlsx(export) if args.format == "xlsx" else export_csv_zip(export)
    extension = "xlsx" if args.format == "xlsx" else "zip"
    return _write_output(args.out or Path(export_file_name(export, extension)), content)


def cmd_import(args: argparse.Namespace) -> str:
    from collab_assess.exchange.importing import prepare_import

    path = args.path.expanduser()
    if not path.is_file():
        raise InputError(f"There is no file {path}.")
    store = _open(args)
    _, assessment_round = _chosen_round(store, args)
    plan = prepare_import(store, assessment_round.id, path.read_bytes(), path.name,
                          sheet=args.sheet, from_round=args.from_round, repeats=args.repeats)
    report = plan.report_text()
    if not plan.can_import:
        raise InputError(report + "\n\nNothing was imported: fix the file and run this again.")
    if args.dry_run:
        return report + "\n\nDry run: nothing was written."
    outcome = store.import_responses(assessment_round.id, plan, path.name, args.by)
    return report + "\n\n" + outcome.message()


def _with_store(command):
    def run(args: argparse.Namespace) -> str:
        return command(args, _open(args))
    return run


def cmd_backup(args: argparse.Namespace) -> str:
    from collab_assess.operations.backups import backup_database

    return backup_database(args.db, args.path.expanduser())


def cmd_restore(args: argparse.Namespace) -> str:
    from collab_assess.operations.backups import restore_database

    return restore_database(args.db, args.path.expanduser(), replace=args.replace)


def cmd_audit(args: argparse.Namespace) -> str:
    from collab_assess.exchange.audit_export import (
        audit_csv,
        audit_export,
        audit_xlsx,
        scope_in_words,
    )

    store = _open(args)
    if args.collaborative:
        collaborative = store.find_collaborative(args.collaborative)
        entries = store.audit_entries(collaborative_ids=[collaborative.id])
        scope = scope_in_words([collaborative.name])
    else:
        entries = store.audit_entries()
        scope = scope_in_words()
    export = audit_export(entries, scope)
    content = audit_xlsx(export) if args.format == "xlsx" else audit_csv(export)
    count = len(entries)
    return (_write_output(args.out, content)
            + f" It holds {count:,} audit entr{'y' if count == 1 else 'ies'}.")


COMMANDS = {
    "init": (cmd_init, "Create the database (or bring its schema up to date)."),
    "demo": (cmd_demo, "Load the synthetic demo peers."),
    "remove-demo": (cmd_remove_demo, "Delete every synthetic demo collaborative; real data stays."),
    "check-bank": (cmd_check_bank, "Validate the question bank files and say which is current."),
    "info": (cmd_info, "Show the database file, its schema version and how much it holds."),
    "report": (cmd_report, "Make the board report of one round, as PDF or as one HTML file."),
    "export": (cmd_export, "Export a collaborative's answers, scores, consensus and actions."),
    "import": (cmd_import,
               "Import survey responses (a Microsoft Forms or Excel export) into a round."),
    "backup": (cmd_backup, "Copy the whole database to a file (while the app is stopped)."),
    "restore": (cmd_restore,
                "Put a backup back in place of the database (while the app is stopped)."),
    "audit": (cmd_audit, "Write the audit log (every change: who, when, before, after) to a file."),
    "grant": (_with_store(cmd_grant), "Give a signed-in person a role (shared mode)."),
    "revoke": (_with_store(cmd_revoke), "Take a role away from a person."),
    "roles": (_with_store(cmd_roles), "List who has which role."),
}


def _add_arguments(name: str, sub: argparse.ArgumentParser) -> None:
    """The arguments of the report, export, import, backup, restore and audit commands."""
    if name in ("import", "backup", "restore"):
        what = {"import": "the CSV or Excel file of responses",
                "backup": "the file to write the backup to",
                "restore": "the backup file to restore"}[name]
        sub.add_argument("path", type=Path, metavar="PATH", help=what)
    if name in ("report", "export", "import"):
        sub.add_argument("--collaborative", required=True, metavar="NAME",
                         help="the collaborative's name, as the app shows it")
    if name in ("report", "import"):
        sub.add_argument("--round", required=True, metavar="LABEL",
                         help="the round's name, as the app shows it")
    if name == "report":
        sub.add_argument("--format", choices=("pdf", "html"), default="pdf")
    if name == "export":
        sub.add_argument("--format", choices=("xlsx", "csv"), default="xlsx",
                         help="xlsx: one workbook; csv: a .zip holding one CSV file per table")
    if name in ("report", "export"):
        sub.add_argument("--out", type=Path, default=None, metavar="PATH",
                         help="the file to write (default: a name made from the collaborative's)")
    if name == "import":
        sub.add_argument("--dry-run", action="store_true",
                         help="check the file and print the report; write nothing")
        sub.add_argument("--sheet", default=None,
                         help="the Excel sheet to read (default: the first with data)")
        sub.add_argument("--from-round", default=None, metavar="LABEL",
                         help="for a file exported from collab-assess holding several rounds: the "
                         "round to bring in")
        sub.add_argument("--repeats", choices=("refuse", "skip", "allow"), default="refuse",
                         help="responses already imported into this round: refuse the file "
                         "(default), skip them, or import them again")
        sub.add_argument("--by", default="command line import", help="who is importing, for the "
                         "record (default: 'command line import')")
    if name == "restore":
        sub.add_argument("--replace", action="store_true",
                         help="replace a database that already holds data (a copy of it is kept)")
    if name == "audit":
        sub.add_argument("--out", type=Path, required=True, metavar="PATH",
                         help="the file to write")
        sub.add_argument("--collaborative", default=None, metavar="NAME",
                         help="only this collaborative's entries (default: every entry)")
        sub.add_argument("--format", choices=("xlsx", "csv"), default="xlsx",
                         help="xlsx: a workbook with a Read me and what each column means; csv: "
                         "the entries alone")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="collab-assess",
        description="Admin tasks for collab-assess. Start the app itself with `make run`.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"database file (default: ${DB_ENV_VAR}, else data/collab_assess.duckdb)",
    )
    common.add_argument(
        "--bank-dir",
        type=Path,
        default=None,
        help=f"folder holding the question bank files (default: ${BANK_DIR_ENV_VAR}, else "
        "question_bank/)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (handler, summary) in COMMANDS.items():
        sub = commands.add_parser(name, parents=[common], help=summary, description=summary)
        sub.set_defaults(handler=handler)
        if name == "demo":
            sub.add_argument("--if-empty", action="store_true",
                             help="only load when the database holds no collaboratives yet")
            sub.add_argument("--seed", type=int, default=DEMO_SEED,
                             help=f"random seed for the generator (default {DEMO_SEED})")
        _add_arguments(name, sub)
        add_role_arguments(name, sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = args.db or default_db_path()
    args.opened = []
    try:
        print(args.handler(args))
    except CollabAssessError as error:
        print(f"collab-assess: {error}", file=sys.stderr)
        return 1
    except (duckdb.Error, OSError) as error:  # the disk, not the command: said in one line
        plain = storage_error(error, Path(args.db))
        print(f"collab-assess: {plain or one_line(error)}", file=sys.stderr)
        return 1
    finally:
        for store in args.opened:
            try:
                store.close()
            except (duckdb.Error, OSError):
                pass  # already said what went wrong; the write-ahead log keeps what was saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
