"""Integrated care boards as dated records: the 42 of 1 July 2022, the merged ICBs in force from
1 April 2026 with the old -> new mapping, nothing announced for 2027 without a source, regions
unchanged, the ICBs a collaborative's ICSs fall in on a round's date (on the Collaborative page too,
with the documents behind them by title), and a broken file named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from collab_assess.content import reference
from collab_assess.content.bank import load_current_bank
from collab_assess.content.reference import (
    ICB_FILE,
    ICBS,
    ICSS_BY_REGION,
    icb_sources,
    icbs_covering,
    icbs_in_words,
    icbs_on,
    load_icbs,
)
from collab_assess.content.sources import documents
from collab_assess.errors import DataFileError
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RoundInput
from tests.helpers.apptest import app, assert_no_exception, texts

MERGERS_2026 = {
    "Norfolk and Suffolk": {("Norfolk and Waveney", None),
                            ("Suffolk and North East Essex", "Suffolk")},
    "Essex": {("Mid and South Essex", None), ("Suffolk and North East Essex", "north east Essex"),
              ("Hertfordshire and West Essex", "west Essex")},
    "Central East": {("Bedfordshire, Luton and Milton Keynes", None),
                     ("Cambridgeshire and Peterborough", None),
                     ("Hertfordshire and West Essex", "Hertfordshire")},
    "North West and North Central London": {("North Central London", None),
                                            ("North West London", None)},
    "Thames Valley": {("Buckinghamshire, Oxfordshire and Berkshire West", None),
                      ("Frimley", "East Berkshire")},
    "Surrey and Sussex": {("Surrey Heartlands", None), ("Sussex", None),
                          ("Frimley", "Farnham and Surrey Heath")},
    "Hampshire and the Isle of Wight": {("Hampshire and Isle of Wight", None),
                                        ("Frimley", "north east Hampshire")},
}
APRIL_2026 = date(2026, 4, 1)


def test_the_42_icbs_of_july_2022_are_one_per_ics():
    first = icbs_on(date(2022, 7, 1))
    assert len(first) == 42
    assert [icb.name for icb in first] == list(reference.ICSS)
    assert icbs_on(date(2022, 6, 30)) == []
    assert len(icbs_on(date(2026, 3, 31))) == 42


def test_the_icbs_in_force_from_1_april_2026_and_where_each_old_one_went():
    merged = {icb.name: icb for icb in ICBS if icb.replaces}
    assert set(merged) == set(MERGERS_2026)
    for name, parts in MERGERS_2026.items():
        icb = merged[name]
        assert icb.in_force_from == APRIL_2026 and icb.in_force_until is None
        assert {(part.ics, part.part) for part in icb.replaces} == parts
        assert icb.sources and all(key in documents() for key in icb.sources)
        assert "icb-boundaries-statement-2025" in icb.sources  # the written statement HCWS915
    replaced = {part.ics for icb in merged.values() for part in icb.replaces}
    for icb in ICBS:
        if not icb.replaces:
            assert icb.in_force_until == (APRIL_2026 if icb.name in replaced else None), icb.name
    now = icbs_on(APRIL_2026)
    assert len(now) == 42 - len(replaced) + len(merged) == 36


def test_regions_are_unchanged():
    region_of = {ics: region for region, icss in ICSS_BY_REGION.items() for ics in icss}
    for icb in ICBS:
        for part in icb.replaces:
            assert region_of[part.ics] == icb.region
    assert list(ICSS_BY_REGION) == list(reference.REGIONS) and len(reference.REGIONS) == 7


def test_nothing_is_recorded_for_2027_without_a_source():
    assert not [icb for icb in ICBS if icb.announced]
    assert icbs_on(date(2027, 4, 1)) == icbs_on(APRIL_2026)


def test_a_profile_names_the_icbs_current_on_the_rounds_date():
    icss = ("Frimley", "Devon")
    before = icbs_in_words(icss, date(2026, 3, 1))
    assert before == "NHS Frimley Integrated Care Board; NHS Devon Integrated Care Board"
    after = icbs_in_words(icss, date(2026, 9, 1))
    assert after == (
        "NHS Thames Valley Integrated Care Board (East Berkshire, from Frimley); "
        "NHS Surrey and Sussex Integrated Care Board (Farnham and Surrey Heath, from Frimley); "
        "NHS Hampshire and the Isle of Wight Integrated Care Board (north east Hampshire, from "
        "Frimley); NHS Devon Integrated Care Board")
    split = icbs_covering(["Hertfordshire and West Essex"], date(2026, 9, 1))
    assert {(c.icb.name, c.part) for c in split} == {("Essex", "west Essex"),
                                                     ("Central East", "Hertfordshire")}
    assert icbs_in_words(["Not an ICS"], date(2026, 9, 1)) == ""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "icbs.toml"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = 'first_icbs_from = 2022-07-01\nfirst_icbs_source = "ics-establishment-2022"\n'


@pytest.mark.parametrize("entry, fault", [
    ('name = "X"\nregion = "London"\neffective = 2026-04-01\nsources = ["ics-establishment-2022"]\n'
     'replaces = [{ ics = "Nowhere" }]',
     "ICB 'X': replaces 'Nowhere', which is not one of the 2022"),
    ('name = "X"\nregion = "London"\neffective = 2026-04-01\nsources = ["ics-establishment-2022"]\n'
     'replaces = [{ ics = "Devon" }]', "ICB 'X': replaces 'Devon' of South West, but is in London"),
    ('name = "X"\nregion = "London"\neffective = 2026-04-01\nsources = ["a-rumour"]\n'
     'replaces = [{ ics = "North West London" }]', "ICB 'X': source 'a-rumour' is not in"),
    ('name = "X"\nregion = "London"\neffective = 2020-04-01\nsources = ["ics-establishment-2022"]\n'
     'replaces = [{ ics = "North West London" }]', "ICB 'X': effective 2020-04-01 is not after"),
    ('name = "X"\nregion = "London"\neffective = 2026-04-01\nsources = ["ics-establishment-2022"]\n'
     'replaces = [{ ics = "North West London" }]\ncolour = "red"',
     "ICB 'X': colour: not a field the file knows"),
])
def test_a_broken_icb_file_is_refused_naming_the_entry_and_fault(tmp_path, entry, fault):
    path = write(tmp_path, HEADER + "[[changes]]\n" + entry + "\n")
    with pytest.raises(DataFileError) as caught:
        load_icbs(path)
    assert str(path) in str(caught.value)
    assert any(found.startswith(fault) for found in caught.value.faults), caught.value.faults


def test_a_part_given_twice_is_refused(tmp_path):
    change = ('[[changes]]\nname = "{name}"\nregion = "South East"\neffective = 2026-04-01\n'
              'sources = ["ics-establishment-2022"]\n'
              'replaces = [{{ ics = "Frimley", part = "A" }}]\n')
    path = write(tmp_path, HEADER + change.format(name="One") + change.format(name="Two"))
    with pytest.raises(DataFileError, match="the same part is given to two ICBs"):
        load_icbs(path)


def test_the_shipped_file_loads_and_is_where_the_docs_say():
    assert ICB_FILE.name == "icbs.toml" and ICB_FILE.parent.name == "data"
    assert load_icbs() == ICBS


def test_the_sources_behind_the_icbs_are_named_by_public_title():
    days = [date(2026, 3, 1), date(2026, 9, 1)]
    found = icb_sources(("Frimley", "Devon"), days)
    assert found[0].startswith("NHS England, 'Integrated care in your area")
    assert any("written ministerial statement HCWS915" in line for line in found)
    assert len(found) == len(set(found))  # each document once
    assert not [line for line in found if ".toml" in line or "icb-boundaries" in line]
    assert icb_sources(("Devon",), days) == [found[0]]  # never merged: the 2022 order alone


def test_the_collaborative_page_names_the_icbs_current_on_each_rounds_date(app_db):
    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(
            CollaborativeProfile(name="Across a split", region="South East", icss=("Frimley",)),
            "lead")
        before = store.open_round(collaborative, RoundInput(label="Winter 2026",
                                                            opens_on="2026-02-02"),
                                  load_current_bank(), "lead")
        store.close_round(before, "lead")
        store.open_round(collaborative, RoundInput(label="Autumn 2026", opens_on="2026-10-05"),
                         load_current_bank(), "lead")
    finally:
        store.close()
    test = app("collaborative", collaborative_id=collaborative)
    assert_no_exception(test)
    assert "**Integrated care boards**" in [text.value for text in test.markdown]
    (table,) = [frame.value for frame in test.dataframe
                if "Integrated care boards" in frame.value.columns]
    by_round = dict(zip(table["When"], table["Integrated care boards"], strict=True))
    assert by_round["Winter 2026 (opened 02/02/2026)"] == "NHS Frimley Integrated Care Board"
    assert by_round["Autumn 2026 (opened 05/10/2026)"] == icbs_in_words(["Frimley"],
                                                                        date(2026, 10, 5))
    assert "NHS Thames Valley Integrated Care Board (East Berkshire, from Frimley)" in \
        by_round["Autumn 2026 (opened 05/10/2026)"]
    caption = texts(test.caption)
    assert "written ministerial statement HCWS915" in caption and ".toml" not in caption
