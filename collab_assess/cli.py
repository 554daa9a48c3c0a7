"""The collab-assess command, for admin tasks: set up the database, load or remove demo peers,
check the question bank.

Every command takes --db to name the database file (default: $COLLAB_ASSESS_DB, else
data/collab_assess.duckdb). Errors print one plain message and exit with status 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from collab_assess.bank import BANK_DIR_ENV_VAR, load_banks, load_current_bank
from collab_assess.demo import DEMO_SEED, demo_banks, generate_demo
from collab_assess.errors import CollabAssessError
from collab_assess.store import DB_ENV_VAR, Store, default_db_path


def _open(args: argparse.Namespace) -> Store:
    store = Store(args.db)
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
        f"Version {bank.version}: {len(bank.areas)} areas, {len(bank.statements)} statements: valid."
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


COMMANDS = {
    "init": (cmd_init, "Create the database (or bring its schema up to date)."),
    "demo": (cmd_demo, "Load the synthetic demo peers."),
    "remove-demo": (cmd_remove_demo, "Delete every synthetic demo collaborative; real data stays."),
    "check-bank": (cmd_check_bank, "Validate the question bank files and say which is current."),
    "info": (cmd_info, "Show the database file, its schema version and how much it holds."),
}


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.db = args.db or default_db_path()
    try:
        print(args.handler(args))
    except CollabAssessError as error:
        print(f"collab-assess: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
