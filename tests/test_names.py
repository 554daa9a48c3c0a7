"""Names that cannot pass for another's, and text that carries no control characters (issue 17,
item 5). A lead renaming a collaborative to read exactly like another (a zero-width space, a
Cyrillic letter, a trailing NUL, a right-to-left override) is refused; names are kept as a reader
sees them; notes keep what people typed but control characters; no export carries a NUL or another
control character, even from data saved before these rules."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from collab_assess.content.names import clean_name, clean_text, visible_key
from collab_assess.errors import InputError
from collab_assess.exchange.audit_export import audit_csv, audit_export
from collab_assess.exchange.export import collaborative_export, export_csv_zip, export_xlsx
from collab_assess.store import Store
from collab_assess.store.inputs import (
    CollaborativeProfile,
    MemberInput,
    RespondentInput,
    validated,
)
from tests.helpers.factories import answer

NAME = "Northshire Acute Provider Collaborative"
LOOK_ALIKES = {
    "a zero-width space": "Northshire\u200b Acute Provider Collaborative",
    "a Cyrillic o": "N\u043erthshire Acute Provider Collaborative",
    "a Greek capital A": "Northshire \u0391cute Provider Collaborative",
    "a trailing NUL": NAME + "\x00",
    "a right-to-left override": "\u202e" + NAME,
    "a left-to-right isolate": NAME + "\u2066",
    "full-width letters": "\uff2eorthshire Acute Provider Collaborative",
    "other case and spacing": "northshire  ACUTE provider collaborative ",
    "a one for an l": "Northshire Acute Provider Co1laborative",
    "rn for m": "Northshire Acute Provider Collaborative".replace("m", "rn") + "",
    "an accent": "Northshíre Acute Provider Collaborative",
    "a no-break space": NAME.replace(" ", "\u00a0", 1),
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.fixture
def named(store: Store) -> tuple[int, int]:
    """The collaborative called NAME, and another the lead may rename."""
    first = store.create_collaborative(CollaborativeProfile(name=NAME), "lead")
    second = store.create_collaborative(CollaborativeProfile(name="Southshire"), "lead")
    return first, second


@pytest.mark.parametrize("name", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_a_name_that_reads_like_another_collaboratives_is_refused(store, named, name):
    before = store.table_counts()
    with pytest.raises(InputError, match="reads the same as|already exists") as refused:
        store.create_collaborative(CollaborativeProfile(name=name), "lead")
    assert NAME in str(refused.value) or "already exists" in str(refused.value)
    with pytest.raises(InputError, match="reads the same as|already exists"):
        store.update_collaborative(named[1], CollaborativeProfile(name=name), "lead")
    assert store.table_counts() == before
    assert store.get_collaborative(named[1]).name == "Southshire"


def test_a_collaborative_may_keep_its_own_name_and_a_different_one_is_taken(store, named):
    store.update_collaborative(named[0], CollaborativeProfile(name=NAME, region=None), "lead")
    store.update_collaborative(named[1], CollaborativeProfile(name="Eastshire"), "lead")
    assert store.get_collaborative(named[1]).name == "Eastshire"


def test_names_are_kept_as_a_reader_sees_them(store):
    made = store.create_collaborative(CollaborativeProfile(
        name="\u202eWest\u200bshire\x00 \u2066Collaborative\u2069\t"), "lead")
    assert store.get_collaborative(made).name == "Westshire Collaborative"
    decomposed = "Ame\u0301lie"  # e and a combining accent: the same as é, stored as é
    person = validated(RespondentInput, role="Clinical lead", display_name=decomposed)
    assert person.display_name == "Amélie" and len(person.display_name) == 6
    assert clean_name("  \u200b\u200d  ") == ""
    with pytest.raises(InputError, match="Name cannot be empty"):
        validated(CollaborativeProfile, name="\u200b\u2060\u202e")


def test_a_member_that_reads_like_another_member_is_refused_in_that_collaborative_only(store,
                                                                                     named):
    trust = "Northshire Hospitals NHS Trust"
    store.add_member(named[0], MemberInput(organisation=trust, organisation_type="Acute trust"),
                     "lead")
    for look_alike in ("Northshire Hospitals NHS Trust\u200b", "N\u043erthshire Hospitals NHS "
                       "Trust", "NORTHSHIRE HOSPITALS NHS TRUST"):
        with pytest.raises(InputError, match="already a member|reads the same as"):
            store.add_member(named[0], MemberInput(organisation=look_alike,
                                                   organisation_type="Acute trust"), "lead")
    store.add_member(named[1], MemberInput(organisation=trust, organisation_type="Acute trust"),
                     "lead")
    assert len(store.members(named[0])) == 1


def test_notes_keep_what_was_typed_but_control_characters(store, open_round, respondent):
    typed = ("Line one\r\nline two\tindented \u05e9\u05dc\u05d5\u05dd \u200f(RTL) "
             "\U0001f468\u200d\U0001f469\u200d\U0001f467 family \x00\x07end")
    store.record_answer(open_round, respondent, "PB-1", answer(2, note=typed))
    saved = store.current_answers([open_round])["note"].iloc[0]
    assert saved == clean_text(typed) == typed.replace("\r\n", "\n").replace("\x00\x07", "")


def test_visible_keys_tell_different_names_apart():
    assert visible_key("Northshire") != visible_key("Southshire")
    assert visible_key("Team 1") != visible_key("Team 2")
    assert visible_key("North East") != visible_key("Northeast")  # a space is seen


def _all_text_of_a_zip(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def test_no_export_carries_a_nul_or_another_control_character(store, open_round, respondent):
    store.record_answer(open_round, respondent, "PB-1", answer(3, note="fine"))
    # Saved before these rules: written straight into the tables, as an old database holds them.
    store._write(lambda cursor: cursor.execute(
        "UPDATE collaboratives SET name = name || chr(0) || chr(27) || '[31m'"))
    store._write(lambda cursor: cursor.execute(
        "UPDATE answers SET note = 'tab' || chr(9) || 'nul' || chr(0) || 'bell' || chr(7) || "
        "'del' || chr(127) || 'c1' || chr(133)"))
    store._write(lambda cursor: cursor.execute(
        "UPDATE respondents SET display_name = 'Ann' || chr(0)"))
    collaborative = store.get_round(open_round).collaborative_id
    export = collaborative_export(store, collaborative)
    as_csv = _all_text_of_a_zip(export_csv_zip(export))
    assert "nul" in as_csv and not CONTROL.search(as_csv.replace("\r\n", "\n"))
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(export)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and CONTROL.search(value)), (sheet.title,
                                                                               value)
    audit = audit_csv(audit_export(store.audit_entries())).decode("utf-8-sig")
    assert not CONTROL.search(audit.replace("\r\n", "\n"))
