"""The question bank loads, and a broken one stops with errors naming the file, item and fault."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from collab_assess.bank import BANK_DIRECTORY, load_banks, load_current_bank, parse_bank
from collab_assess.errors import BankError
from tests.factories import bank_data

EXPECTED_AREAS = ["PB", "PD", "SG", "PS", "JW", "QI", "RE", "CL", "PC", "DS", "DI"]


def to_toml(data: dict) -> str:
    """Write a bank dict as TOML (only what bank files use: strings, ints, dates, tables, arrays)."""

    def value(v):
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return str(v)

    lines = []
    for key in ("version", "title", "released", "about"):
        if key in data:
            lines.append(f"{key} = {data[key] if key in ('version', 'released') else value(data[key])}")
    for area in data.get("areas", []):
        lines.append("[[areas]]")
        lines += [f"{k} = {value(v)}" for k, v in area.items()]
    for statement in data.get("statements", []):
        lines.append("[[statements]]")
        lines += [f"{k} = {value(v)}" for k, v in statement.items() if k != "levels"]
        if "levels" in statement:
            lines.append("[statements.levels]")
            lines += [f"{k} = {value(v)}" for k, v in statement["levels"].items()]
    return "\n".join(lines) + "\n"


def faults_of(data: dict, file_name: str = "bank-v1.toml") -> list[str]:
    with pytest.raises(BankError) as caught:
        parse_bank(to_toml(data), file_name)
    assert caught.value.file_name == file_name
    assert file_name in str(caught.value)
    return caught.value.faults


def test_the_shipped_bank_covers_the_eleven_areas_in_the_guidance_order():
    bank = load_current_bank()
    assert [area.id for area in bank.areas] == EXPECTED_AREAS
    assert [a.group for a in bank.areas] == ["core capability"] * 6 + ["enabler"] * 5
    assert 40 <= len(bank.statements) <= 55
    for area in bank.areas:
        assert 3 <= len(bank.statements_in(area.id)) <= 5


def test_every_statement_cites_a_seed_file():
    seeds = {"000_14819e0e06ef0d46.txt", "001_f629cfe9f896f09b.txt", "002_400590e118f724af.txt",
             "003_c2f9f5648b7432cc.txt", "004_038cedfb7b8e7b4e.txt"}
    bank = load_current_bank()
    for item in [*bank.areas, *bank.statements]:
        cited = {seed for seed in seeds if seed in item.source}
        assert cited, f"{item.id} cites no seed file: {item.source}"
        assert "section" in item.source, f"{item.id} names no section: {item.source}"


def test_a_valid_bank_round_trips_through_toml():
    bank = parse_bank(to_toml(bank_data()), "bank-v1.toml")
    assert bank.statements_by_id["SG-2"].levels.for_level(3) == "Mostly."


def test_duplicate_statement_id_is_named():
    data = bank_data()
    data["statements"][1]["id"] = "PB-1"
    assert faults_of(data) == ["statement PB-1: duplicate id (used 2 times)"]


def test_duplicate_area_id_is_named():
    data = bank_data()
    data["areas"].append(copy.deepcopy(data["areas"][0]))
    assert "area PB: duplicate id (used 2 times)" in faults_of(data)


def test_missing_level_names_the_statement_and_the_level():
    data = bank_data()
    del data["statements"][4]["levels"]["thriving"]
    (fault,) = faults_of(data)
    assert fault.startswith("statement SG-2, field 'levels.thriving': missing")


def test_unknown_area_is_named():
    data = bank_data()
    data["statements"][0]["area"] = "ZZ"
    assert "statement PB-1: unknown area 'ZZ'" in faults_of(data)


def test_statement_id_must_match_its_area():
    data = bank_data()
    data["statements"][3]["area"] = "PB"  # SG-1 filed under PB
    assert any("SG-1" in f and "must start with its area's id 'PB-'" in f for f in faults_of(data))


def test_too_few_statements_in_an_area_is_named():
    data = bank_data()
    data["statements"] = [s for s in data["statements"] if s["id"] != "DS-3"]
    assert faults_of(data) == ["area DS: has 2 statements; each area needs 3 to 5"]


def test_empty_text_and_unknown_field_are_named():
    data = bank_data()
    data["statements"][2]["help"] = "   "
    data["statements"][2]["colour"] = "red"
    faults = faults_of(data)
    assert any(f.startswith("statement PB-3, field 'help'") for f in faults)
    assert "statement PB-3, field 'colour': not a field the bank knows (a typo?)" in faults


def test_malformed_id_without_an_id_is_still_located():
    data = bank_data()
    del data["statements"][5]["id"]
    assert faults_of(data) == ["statement number 6 (it has no id), field 'id': missing (every "
                               "statement needs all four levels and every field)"]


def test_bad_toml_names_the_file_and_line():
    with pytest.raises(BankError) as caught:
        parse_bank('version = 1\ntitle = "unterminated\n', "bank-v9.toml")
    assert "bank-v9.toml" in str(caught.value)
    assert "line 2" in str(caught.value)


def test_file_name_and_version_must_agree(tmp_path: Path):
    (tmp_path / "bank-v2.toml").write_text(to_toml(bank_data(version=1)))
    with pytest.raises(BankError, match="version 1 does not match the file name"):
        load_banks(tmp_path)


def test_empty_folder_is_an_error(tmp_path: Path):
    with pytest.raises(BankError, match="no question bank files"):
        load_current_bank(tmp_path)


def test_newest_version_is_current(tmp_path: Path):
    for version in (1, 3, 2):
        (tmp_path / f"bank-v{version}.toml").write_text(to_toml(bank_data(version=version)))
    assert load_current_bank(tmp_path).version == 3


def test_bank_files_parse_as_plain_toml():
    for path in BANK_DIRECTORY.glob("bank-v*.toml"):
        assert tomllib.loads(path.read_text())["version"] >= 1
