"""The role commands of the command line: grant, revoke and list who may do what in shared mode.
Whoever can run these holds the database file, so they act as an administrator."""

from __future__ import annotations

import argparse

from collab_assess.store.grants import ROLE_NAMES, Role

ROLE_CHOICES = [role.value for role in Role]


def _scope(store, args: argparse.Namespace) -> dict:
    collaborative_id = (store.find_collaborative(args.collaborative).id
                        if args.collaborative else None)
    return {"collaborative_id": collaborative_id, "region": args.region}


def cmd_grant(args: argparse.Namespace, store) -> str:
    store.grant_role(args.email, args.role, args.by, **_scope(store, args))
    return f"{args.email.strip().lower()} is now a {ROLE_NAMES[Role(args.role)].lower()}" + (
        f" for {args.collaborative or args.region}." if args.collaborative or args.region
        else ".")


def cmd_revoke(args: argparse.Namespace, store) -> str:
    grant_id = store.find_grant(args.email, args.role, **_scope(store, args))
    store.revoke_role(grant_id, args.by)
    return f"Took the role away from {args.email.strip().lower()}."


def cmd_roles(args: argparse.Namespace, store) -> str:
    grants = store.role_grants()
    if grants.empty:
        return "Nobody has a role yet."
    lines = []
    for row in grants.itertuples():
        scope = row.collaborative if isinstance(row.collaborative, str) else row.region
        lines.append(f"{row.email}  {ROLE_NAMES[Role(row.role)]}"
                     + (f"  ({scope})" if isinstance(scope, str) else ""))
    return "\n".join(lines)


def add_role_arguments(name: str, sub: argparse.ArgumentParser) -> None:
    if name not in ("grant", "revoke"):
        return
    sub.add_argument("email", metavar="EMAIL", help="the address the person signs in with")
    sub.add_argument("--role", required=True, choices=ROLE_CHOICES,
                     help="admin: everything; regional: read a collaborative or a region; lead: "
                     "run a collaborative; facilitator: run its workshops")
    scope = sub.add_mutually_exclusive_group()
    scope.add_argument("--collaborative", metavar="NAME", help="the collaborative, by name")
    scope.add_argument("--region", metavar="NAME", help="a whole region (regional teams only)")
    sub.add_argument("--by", default="command line", help="who is doing this, for the audit log")
