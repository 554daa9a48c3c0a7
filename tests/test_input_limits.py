"""Input is bounded: every text box stops at the limit its model sets, every model refuses longer
text with a message naming the field and the limit, and uploads have a stated, enforced size."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from annotated_types import MaxLen
from pydantic import BaseModel, StringConstraints
from streamlit.testing.v1 import AppTest

from collab_assess.content.bank import load_current_bank
from collab_assess.errors import InputError
from collab_assess.exchange.reading import MAX_IMPORT_BYTES
from collab_assess.operations.backups import BackupError, restore_upload
from collab_assess.store import Store
from collab_assess.store import inputs as models
from collab_assess.store.inputs import (
    ACTION_MAX,
    ID_MAX,
    LABEL_MAX,
    NAME_MAX,
    NOTE_MAX,
    RECORDED_BY_MAX,
    RespondentInput,
    WorkshopInput,
    validated,
)
from tests.helpers.apptest import APP, TIMEOUT, assert_no_exception
from tests.helpers.factories import answer
from tests.helpers.rounds import spring_round

PAGES = sorted(path.stem for path in (Path(APP).parent / "pages").glob("*.py"))

LIMITS = {
    "Name of the collaborative": NAME_MAX,
    "Organisation name": NAME_MAX,
    "Round name": LABEL_MAX,
    "Your name (optional)": NAME_MAX,
    "Your organisation (optional)": NAME_MAX,
    "Workshop name": LABEL_MAX,
    "Why": NOTE_MAX,
    "What will be done": ACTION_MAX,
    "Owner": NAME_MAX,
}
"""The start of a box's label -> its model's limit."""

UNBOUNDED_BOXES = {
    "Evidence or rationale": "A pasted note longer than a box's max_chars would be dropped "
    "whole, without a word (Streamlit ignores the change); this box takes it, keeps the first "
    f"{NOTE_MAX:,} characters and says how many were cut (test_pages_privacy).",
}


@pytest.fixture
def everything(app_db: Path) -> dict:
    """A collaborative with an open round, a respondent who has answered, and a running workshop."""
    bank = load_current_bank()
    store = Store(app_db)
    try:
        collaborative, round_id = spring_round(store, bank)
        person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        store.record_answer(round_id, person, bank.statements[0].id, answer(2))
        workshop = store.start_workshop(round_id, WorkshopInput(
            title="Board", statement_ids=(bank.statements[0].id,), started_by="lead"))
        return {"collaborative": collaborative, "round": round_id, "workshop": workshop,
                "code": store.get_respondent(person).resume_code}
    finally:
        store.close()


def run(page: str, session: dict, params: dict | None = None, *, check: bool = True) -> AppTest:
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in session.items():
        test.session_state[name] = value
    test.query_params.update(params or {})
    test.switch_page(f"pages/{page}.py").run()
    if check:
        assert_no_exception(test)
    return test


def every_text_box(everything: dict) -> list:
    chosen = {"collaborative_id": everything["collaborative"], "round_id": everything["round"]}
    # Every page file, even one not (yet) in the menu; a page that fails is other tests' business.
    runs = [run(page, chosen, check=False) for page in PAGES]
    runs.append(run("workshop", {**chosen, "workshop_id": everything["workshop"]}))
    walk = run("self_assessment", {}, {"who": everything["code"]})
    walk.query_params["area"] = "0"
    walk.run()
    runs.append(walk)
    return [box for test in runs for kind in ("text_input", "text_area")
            for box in getattr(test, kind)]


def test_every_text_box_stops_at_its_models_limit(everything):
    boxes = every_text_box(everything)
    labels = {box.label for box in boxes}
    for start in [*LIMITS, *UNBOUNDED_BOXES, "Workshop code"]:
        assert any(label.startswith(start) for label in labels), f"no box {start!r} was reached"
    for box in boxes:
        if any(box.label.startswith(start) for start in UNBOUNDED_BOXES):
            continue
        assert box.max_chars > 0, f"{box.label!r} has no max_chars"
        limit = next((limit for start, limit in LIMITS.items() if box.label.startswith(start)),
                     None)
        if limit is not None:
            assert box.max_chars == limit, box.label


def test_the_unbounded_note_box_says_its_limit(everything):
    notes = [box for box in every_text_box(everything) if box.label.startswith("Evidence")]
    assert notes and all(f"up to {NOTE_MAX:,} characters" in box.label for box in notes)


# -- the models ------------------------------------------------------------------------------------

BASE = {
    models.CollaborativeProfile: {},
    models.MemberInput: {"organisation_type": "Acute trust"},
    models.RoundInput: {"opens_on": "2026-03-01"},
    models.RespondentInput: {"role": "Clinical lead"},
    models.ActorInput: {},
    models.AnswerInput: {"level": 2, "recorded_by": "x"},
    models.AnswerChange: {"level": 2, "recorded_by": "x"},
    models.StageInput: {"stage": 2, "recorded_by": "x"},
    models.ConsensusInput: {"level": 2, "recorded_by": "x"},
    models.WorkshopInput: {"title": "Board", "statement_ids": ("PB-1",), "started_by": "x"},
    models.ActionInput: {"description": "Do it", "recorded_by": "x"},
    models.ActionStatusInput: {"status": "open", "changed_by": "x"},
}
"""Every input model, with valid values for its other required fields."""

FREE_TEXT = [
    (models.CollaborativeProfile, "name", NAME_MAX, "Name"),
    (models.MemberInput, "organisation", NAME_MAX, "Organisation"),
    (models.RoundInput, "label", LABEL_MAX, "Round name"),
    (models.RespondentInput, "organisation", NAME_MAX, "Organisation"),
    (models.RespondentInput, "display_name", NAME_MAX, "Your name"),
    (models.ActorInput, "display_name", NAME_MAX, "Your name"),
    (models.AnswerInput, "note", NOTE_MAX, "Evidence or rationale"),
    (models.AnswerInput, "recorded_by", RECORDED_BY_MAX, "Recorded by"),
    (models.AnswerChange, "note", NOTE_MAX, "Evidence or rationale"),
    (models.AnswerChange, "recorded_by", RECORDED_BY_MAX, "Recorded by"),
    (models.StageInput, "recorded_by", RECORDED_BY_MAX, "Recorded by"),
    (models.ConsensusInput, "rationale", NOTE_MAX, "Rationale"),
    (models.ConsensusInput, "recorded_by", RECORDED_BY_MAX, "Recorded by"),
    (models.WorkshopInput, "title", LABEL_MAX, "Workshop name"),
    (models.WorkshopInput, "started_by", RECORDED_BY_MAX, "Started by"),
    (models.ActionInput, "description", ACTION_MAX, "Action"),
    (models.ActionInput, "owner", NAME_MAX, "Owner"),
    (models.ActionInput, "statement_id", ID_MAX, "Statement"),
    (models.ActionInput, "area_id", ID_MAX, "Area"),
    (models.ActionInput, "recorded_by", RECORDED_BY_MAX, "Recorded by"),
    (models.ActionStatusInput, "changed_by", RECORDED_BY_MAX, "Changed by"),
]

FROM_LISTS = {"region", "collaborative_type", "governance_model", "icss", "decision_mechanisms",
              "organisation_type", "role", "source", "status", "unscored"}
"""Text fields checked against a fixed list: nothing else gets in, whatever its length."""


@pytest.mark.parametrize(("model", "field", "limit", "label"), FREE_TEXT,
                         ids=[f"{m.__name__}.{f}" for m, f, _, _ in FREE_TEXT])
def test_a_model_takes_its_limit_and_refuses_one_more_with_a_plain_message(model, field, limit,
                                                                           label):
    values = {**BASE[model], "name": "Northshire"} if model is models.CollaborativeProfile \
        else dict(BASE[model])
    assert getattr(validated(model, **{**values, field: "a" * limit}), field) == "a" * limit
    with pytest.raises(InputError) as refused:
        validated(model, **{**values, field: "a" * (limit + 1)})
    assert str(refused.value) == f"{label} is too long: keep it to {limit} characters or fewer."


def test_a_workshops_statement_ids_are_bounded_too():
    with pytest.raises(InputError, match="too long"):
        validated(WorkshopInput, title="Board", statement_ids=("P" * (ID_MAX + 1),),
                  started_by="x")


def _bounded(field_info) -> bool:
    return any(isinstance(rule, MaxLen) or (isinstance(rule, StringConstraints)
                                            and rule.max_length is not None)
               for rule in field_info.metadata)


def _holds_text(annotation) -> bool:
    return annotation is str or str in typing.get_args(annotation)


def test_every_text_field_of_every_model_is_bounded_or_chosen_from_a_list():
    inputs = [model for model in vars(models).values() if isinstance(model, type)
              and issubclass(model, BaseModel) and model is not BaseModel
              and model.__module__ == models.__name__ and not model.__name__.startswith("_")]
    assert set(inputs) == set(BASE), "a new input model: add it to BASE and FREE_TEXT"
    covered = {(model, field) for model, field, _, _ in FREE_TEXT}
    for model in inputs:
        for field, info in model.model_fields.items():
            if field in FROM_LISTS or not _holds_text(info.annotation):
                continue
            if field == "statement_ids":
                continue  # a tuple of bounded ids (test above)
            assert _bounded(info), f"{model.__name__}.{field} has no length limit"
            assert (model, field) in covered, f"{model.__name__}.{field}: add it to FREE_TEXT"


# -- uploads ---------------------------------------------------------------------------------------

def test_the_import_uploader_states_and_enforces_its_limit(everything):
    test = run("import_responses", {"collaborative_id": everything["collaborative"],
                                    "round_id": everything["round"]})
    (uploader,) = test.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == MAX_IMPORT_BYTES // 1024 // 1024 == 5
    assert "up to 5 MB" in " ".join(str(m.value) for m in test.markdown)


def test_the_restore_uploader_states_and_enforces_its_limit(everything):
    from collab_assess.operations.backups import MAX_UPLOAD_MB

    test = run("admin", {})
    (uploader,) = test.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == MAX_UPLOAD_MB
    assert f"up to {MAX_UPLOAD_MB} MB" in uploader.proto.label
    assert f"up to {MAX_UPLOAD_MB} MB" in " ".join(str(m.value) for m in test.markdown)


def test_a_restore_over_the_limit_is_refused_before_anything_is_read(store: Store, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr("collab_assess.operations.backups.MAX_UPLOAD_MB", 1)
    folder = tmp_path / "backups"
    with pytest.raises(BackupError, match="may be up to 1 MB. Nothing was changed"):
        restore_upload(store, b"\0" * (1024 * 1024 + 1), "big.duckdb", replace=True,
                       folder=folder)
    assert not folder.exists()  # not even written to disk
