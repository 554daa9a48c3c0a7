"""Question banks for tests: written out as TOML, and a small bank with guidance."""

from __future__ import annotations

from tests.helpers.factories import bank_data

HEADER_KEYS = ("version", "title", "released", "policy_as_at", "about", "rating_rule")
NESTED = ("levels", "next_step")


def to_toml(data: dict) -> str:
    """Write a bank dict as TOML (only what bank files use: strings, ints, dates, string lists,
    tables and arrays of tables, including board questions and the mapping)."""

    def value(v):
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(each) for each in v) + "]"
        return str(v)

    def pairs(table: dict, skip: tuple[str, ...] = ()) -> list[str]:
        return [f"{k} = {value(v)}" for k, v in table.items() if k not in skip]

    lines = []
    for key in HEADER_KEYS:
        if key in data:
            shown = (data[key] if key in ("version", "released", "policy_as_at")
                     else value(data[key]))
            lines.append(f"{key} = {shown}")
    for area in data.get("areas", []):
        lines.append("[[areas]]")
        lines += pairs(area)
    for statement in data.get("statements", []):
        lines.append("[[statements]]")
        lines += pairs(statement, NESTED)
        for nested in NESTED:
            if nested in statement:
                lines.append(f"[statements.{nested}]")
                lines += pairs(statement[nested])
    for question in data.get("board_questions", []):
        lines.append("[[board_questions]]")
        lines += pairs(question)
    if "mapping" in data:
        lines.append("[mapping]")
        lines += pairs(data["mapping"], ("statements",))
        for entry in data["mapping"].get("statements", []):
            lines.append("[[mapping.statements]]")
            lines += pairs(entry)
    return "\n".join(lines) + "\n"


def guided_bank_data(version: int = 2, from_version: int = 1) -> dict:
    """A valid small bank of version 2 or later: bank_data plus a rating rule, evidence and next
    steps for every statement, a board question and a mapping from the same small bank's ids."""
    data = bank_data(version=version)
    data["rating_rule"] = "If only part of a level is true, choose the lower one."
    for statement in data["statements"]:
        statement["evidence"] = f"Papers showing {statement['id']}."
        statement["next_step"] = {"emerging": "Start.", "developing": "Spread.",
                                  "maturing": "Review."}
    data["board_questions"] = [{"number": 1, "question": "Is it aligned?",
                                "statements": ["PB-1", "SG-1"],
                                "source": "000_14819e0e06ef0d46.txt, section 'Risk management "
                                          "and oversight for trust boards'"}]
    if version >= 3:
        data["policy_as_at"] = "2026-01-31"
    data["mapping"] = {"from_version": from_version, "statements": [
        {"old": statement["id"], "new": [statement["id"]], "change": "reworded"}
        for statement in data["statements"]]}
    return data
