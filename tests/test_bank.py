"""The question bank loads, and a broken one stops with errors naming the file, item and fault.
Every section a bank cites is a real heading in its seed."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import pytest

from collab_assess.content.bank import (
    BANK_DIRECTORY,
    QuestionBank,
    load_banks,
    load_current_bank,
    parse_bank,
)
from collab_assess.content.baseline import load_baseline
from collab_assess.content.sources import unknown_documents
from collab_assess.errors import BankError
from tests.helpers.banks import guided_bank_data, to_toml
from tests.helpers.factories import bank_data

EXPECTED_AREAS = ["PB", "PD", "SG", "PS", "JW", "QI", "RE", "CL", "PC", "DS", "DI"]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_FILES = {"000_14819e0e06ef0d46.txt", "001_f629cfe9f896f09b.txt", "002_400590e118f724af.txt",
              "003_c2f9f5648b7432cc.txt", "004_038cedfb7b8e7b4e.txt"}


def faults_of(data: dict, file_name: str = "bank-v1.toml") -> list[str]:
    with pytest.raises(BankError) as caught:
        parse_bank(to_toml(data), file_name)
    assert caught.value.file_name == file_name
    assert file_name in str(caught.value)
    return caught.value.faults


@pytest.mark.parametrize("version", [1, 2, 3])
def test_each_shipped_bank_covers_the_eleven_areas_in_the_guidance_order(version):
    bank = load_banks()[version]
    extra = ["LG"] if version >= 3 else []  # version 3 adds Governance basics, last
    assert [area.id for area in bank.areas] == EXPECTED_AREAS + extra
    assert [a.group for a in bank.areas] == (["core capability"] * 6 + ["enabler"] * 5
                                             + ["governance basics"] * len(extra))
    assert 40 <= len(bank.statements) <= (55 if version < 3 else 62)
    for area in bank.areas:
        assert 3 <= len(bank.statements_in(area.id)) <= (6 if version < 3 else 7)


def cited_items(bank: QuestionBank) -> list[tuple[str, str]]:
    """(item, source) for everything in a bank that cites a source."""
    return ([(f"area {a.id}", a.source) for a in bank.areas]
            + [(f"statement {s.id}", s.source) for s in bank.statements]
            + [(f"board question {q.number}", q.source) for q in bank.board_questions])


@pytest.mark.parametrize("version", [1, 2, 3])
def test_every_item_cites_a_seed_file_and_a_section(version):
    """Every item cites at least one seed with its section; version 3 may cite public documents
    of the register beside them (a public citation names a section or a part where it can)."""
    for item, source in cited_items(load_banks()[version]):
        citations = [part.strip() for part in source.split(";")]
        seeds = [c for c in citations if any(c.startswith(seed) for seed in SEED_FILES)]
        if version < 3:
            assert seeds == citations, f"{item}: cites something other than a seed"
        assert seeds or version >= 3, f"{item} cites no seed"
        for citation in seeds:
            assert "section" in citation, f"{item} names no section: {citation}"
        assert not unknown_documents(source), f"{item}: {unknown_documents(source)}"


def headings(seed: str) -> set[str]:
    """The lines of a seed as headings are compared: stripped of numbering, bullets and emphasis,
    any case, runs of spaces (non-breaking ones too) as one (the glossary's rule, plus spaces)."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    return {as_heading(line.strip(" *#0123456789.:•\u00a0")) for line in text.splitlines()}


def as_heading(text: str) -> str:
    return " ".join(text.split()).casefold()


def sections_cited(source: str) -> list[tuple[str, str]]:
    """(seed file, section heading) for every quoted heading in a source field. Quotes inside
    parentheses are notes on a section (a question in a box, a point in a list), not headings."""
    found = []
    for citation in source.split(";"):
        seed = re.match(r"\s*(\d{3}_[0-9a-f]+\.txt)", citation)
        outside_brackets = re.sub(r"\([^)]*\)", "", citation)
        found += [(seed.group(1) if seed else "", section)
                  for section in re.findall(r"'([^']+)'", outside_brackets)]
    return found


@pytest.fixture(scope="module")
def seed_headings() -> dict[str, set[str]]:
    if not all((SEEDS / seed).is_file() for seed in SEED_FILES):
        pytest.fail(f"the source documents are not at {SEEDS} "
                    "(clone with ../shared beside the repo)")
    return {seed: headings(seed) for seed in SEED_FILES}


def test_the_section_check_catches_a_made_up_heading(seed_headings):
    (cited,) = sections_cited("001_f629cfe9f896f09b.txt, section 'Trust finances in detail'")
    assert as_heading(cited[1]) not in seed_headings[cited[0]]
    (real,) = sections_cited(
        "001_f629cfe9f896f09b.txt, section 'Resourcing' (note 'not a heading')")
    assert as_heading(real[1]) in seed_headings[real[0]]


@pytest.mark.parametrize("version", [1, 2, 3])
def test_every_cited_section_exists_in_its_seed(version, seed_headings):
    missing = [
        f"{item}: {seed or 'no seed file'} has no section '{section}'"
        for item, source in cited_items(load_banks()[version])
        for seed, section in sections_cited(source)
        if (seed or version < 3)  # a public document's sections are not in the seeds
        and (seed not in seed_headings or as_heading(section) not in seed_headings[seed])
    ]
    assert not missing, missing
    assert any(sections_cited(source) for _, source in cited_items(load_banks()[version]))


def test_the_baseline_cites_a_section_that_exists(seed_headings):
    cited = [(seed, section) for seed, section in sections_cited(load_baseline().source) if seed]
    assert cited
    for seed, section in cited:
        assert as_heading(section) in seed_headings[seed], (seed, section)


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
    assert faults_of(data) == ["area DS: has 2 statements; each area needs 3 to 7"]


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
    (tmp_path / "bank-v1.toml").write_text(to_toml(bank_data(version=1)))
    (tmp_path / "bank-v3.toml").write_text(to_toml(guided_bank_data(3, from_version=2)))
    (tmp_path / "bank-v2.toml").write_text(to_toml(guided_bank_data(2, from_version=1)))
    assert load_current_bank(tmp_path).version == 3
    assert sorted(load_banks(tmp_path)) == [1, 2, 3]


def test_the_shipped_current_bank_is_version_3():
    assert load_current_bank().version == 3
    assert BANK_DIRECTORY.joinpath("bank-v1.toml").is_file()


# -- the fields version 2 adds --------------------------------------------------------------------


def test_a_valid_version_2_bank_round_trips_through_toml():
    bank = parse_bank(to_toml(guided_bank_data()), "bank-v2.toml")
    assert bank.statements_by_id["PB-1"].next_step.from_level(2) == "Spread."
    assert bank.statements_by_id["PB-1"].next_step.from_level(4) is None
    assert bank.board_questions[0].statements == ["PB-1", "SG-1"]
    assert bank.mapping.by_old_id["DS-3"].new == ["DS-3"]


def test_version_1_needs_none_of_the_new_fields_and_its_stored_copy_has_none():
    bank = parse_bank(to_toml(bank_data()), "bank-v1.toml")
    stored = bank.to_json()
    for field in ("evidence", "next_step", "rating_rule", "board_questions", "mapping"):
        assert f'"{field}"' not in stored
    assert QuestionBank.from_json(stored) == bank


def test_a_missing_next_step_names_the_file_statement_and_level():
    data = guided_bank_data()
    del data["statements"][2]["next_step"]["developing"]
    assert faults_of(data, "bank-v2.toml") == [
        "statement PB-3, field 'next_step.developing': missing (each of Emerging, Developing and "
        "Maturing needs a step to the next level)"]


def test_a_statement_with_no_next_steps_or_evidence_is_named():
    data = guided_bank_data()
    del data["statements"][4]["next_step"]
    del data["statements"][4]["evidence"]
    faults = faults_of(data, "bank-v2.toml")
    assert any(f.startswith("statement SG-2, field 'evidence': missing (what to look for")
               for f in faults)
    assert any(f.startswith("statement SG-2, field 'next_step': missing") for f in faults)
    assert len(faults) == 2


def test_version_2_needs_a_rating_rule_board_questions_and_a_mapping():
    data = guided_bank_data()
    for field in ("rating_rule", "board_questions", "mapping"):
        del data[field]
    faults = faults_of(data, "bank-v2.toml")
    for field in ("rating_rule", "board_questions", "mapping"):
        assert any(f.startswith(f"the bank's header, field '{field}': missing")
                   for f in faults), faults


def test_a_step_from_thriving_is_not_a_field():
    data = guided_bank_data()
    data["statements"][0]["next_step"]["thriving"] = "Keep going."
    assert faults_of(data, "bank-v2.toml") == [
        "statement PB-1, field 'next_step.thriving': not a field the bank knows (a typo?)"]


def test_a_board_question_naming_an_unknown_statement_is_named():
    data = guided_bank_data()
    data["board_questions"][0]["statements"].append("PB-9")
    assert faults_of(data, "bank-v2.toml") == [
        "board question 1: names 'PB-9', which is not a statement in this bank"]


def test_a_mapping_naming_an_unknown_new_id_is_named():
    data = guided_bank_data()
    data["statements"][8]["id"] = "DS-4"  # DS-3's meaning changed, so it has a new id...
    data["mapping"]["statements"][8] = {"old": "DS-3", "new": ["DS-5"], "change": "replaced",
                                        "why": "Changed meaning."}  # ...but the mapping misnames it
    assert faults_of(data, "bank-v2.toml") == [
        "mapping entry for DS-3: names 'DS-5', which is not a statement in this bank"]


def test_a_mapping_may_not_reuse_an_id_for_a_changed_meaning():
    data = guided_bank_data()
    data["mapping"]["statements"][0].update(change="replaced", new=["PB-2"], why="Reworked.")
    faults = faults_of(data, "bank-v2.toml")
    assert faults == ["mapping entry for PB-1: 'PB-1' is still a statement in this bank, so its "
                      "meaning must hold ('reworded'); give the changed statement a new id"]


def test_a_reworded_statement_keeps_its_id_and_a_changed_one_says_why():
    data = guided_bank_data()
    data["mapping"]["statements"][0]["new"] = ["PB-2"]
    del data["statements"][8]  # DS-3 leaves the bank...
    data["mapping"]["statements"][8].update(change="moved", new=["PB-3"])  # ...and says nothing
    faults = faults_of(data, "bank-v2.toml")
    assert ("mapping entry for PB-1: a 'reworded' statement keeps its id, so 'new' must be "
            "['PB-1']") in faults
    assert "mapping entry for DS-3, field 'why': missing (say why a statement was moved)" in faults


def write_banks(folder: Path, v1: dict, v2: dict) -> None:
    (folder / "bank-v1.toml").write_text(to_toml(v1))
    (folder / "bank-v2.toml").write_text(to_toml(v2))


def test_a_mapping_naming_an_id_the_previous_version_lacks_is_named(tmp_path: Path):
    v2 = guided_bank_data()
    v2["mapping"]["statements"].append({"old": "DS-9", "new": ["DS-2"], "change": "moved",
                                        "why": "Moved."})
    write_banks(tmp_path, bank_data(), v2)
    with pytest.raises(BankError) as caught:
        load_banks(tmp_path)
    assert caught.value.file_name == str(tmp_path / "bank-v2.toml")
    assert caught.value.faults == ["mapping entry for DS-9: 'DS-9' is not a statement of version 1"]


def test_a_mapping_that_leaves_out_a_previous_statement_is_named(tmp_path: Path):
    v2 = guided_bank_data()
    v2["mapping"]["statements"] = [e for e in v2["mapping"]["statements"] if e["old"] != "SG-3"]
    write_banks(tmp_path, bank_data(), v2)
    with pytest.raises(BankError) as caught:
        load_banks(tmp_path)
    assert caught.value.faults == ["the mapping: statement SG-3 of version 1 is missing (every "
                                   "statement of that version needs an entry)"]
    assert "bank-v2.toml" in str(caught.value)


def test_a_mapping_from_a_version_that_is_not_there_is_named(tmp_path: Path):
    (tmp_path / "bank-v2.toml").write_text(to_toml(guided_bank_data()))
    with pytest.raises(BankError, match="there is no version 1 .bank-v1.toml."):
        load_banks(tmp_path)


def test_bank_files_parse_as_plain_toml():
    for path in BANK_DIRECTORY.glob("bank-v*.toml"):
        assert tomllib.loads(path.read_text())["version"] >= 1
