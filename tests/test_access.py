"""Each role, through the ScopedStore: what it must not read or change is refused, and lists come
back holding only what it may see. Two collaboratives in two regions, each with a round, answers,
an action and a workshop."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from collab_assess.access.identity import Caller
from collab_assess.access.navigation import PageName, pages_for
from collab_assess.access.scoped_store import AccessDenied, ScopedStore
from collab_assess.access.settings import (
    SettingsError,
    missing_auth_keys,
    read_deployment,
)
from collab_assess.errors import InputError, NotFoundError
from collab_assess.store import RoundFilter, Store
from collab_assess.store.grants import Grant, Role
from collab_assess.store.inputs import (
    ActionInput,
    ActionStatusInput,
    AnswerChange,
    CollaborativeProfile,
    ConsensusInput,
    MemberInput,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)
from tests.helpers.factories import answer

LEAD = "lead@north.example"


@pytest.fixture
def two(store: Store, small_bank) -> dict:
    made = {}
    for key, name, region in (("a", "Northern Partnership", "North East and Yorkshire"),
                              ("b", "Southern Alliance", "South West")):
        collaborative = store.create_collaborative(
            CollaborativeProfile(name=name, region=region), "setup")
        round_id = store.open_round(collaborative, RoundInput(label="2026",
                                                             opens_on=date(2026, 4, 1)),
                                    small_bank, "setup")
        people = [store.add_respondent(round_id, RespondentInput(role="Executive director"))
                  for _ in range(3)]
        for person in people:
            for statement in small_bank.statements:
                store.record_answer(round_id, person, statement.id, answer(2))
        action = store.add_action(round_id, ActionInput(description="Agree a data sharing plan",
                                                        recorded_by="setup"))
        workshop = store.start_workshop(round_id, WorkshopInput(
            title="Board", statement_ids=(small_bank.statements[0].id,), started_by="setup"))
        made[key] = {"collaborative": collaborative, "round": round_id, "people": people,
                     "action": action, "workshop": workshop,
                     "code": store.get_respondent(people[0]).resume_code,
                     "invite": store.invite_token(round_id)}
    return made


class ManualClock:
    """A clock the test moves on by hand, so when grants are read again never depends on how long
    a test happens to take."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def as_caller(store: Store, *grants: Grant, email: str = LEAD,
              clock: ManualClock | None = None) -> ScopedStore:
    """A signed-in caller whose grants are saved in the database, as they are in use: when the
    ScopedStore reads them again, it finds the same ones."""
    held = set(store.grants_for(email))
    for grant in grants:
        if grant not in held:
            store.grant_role(email, grant.role, "test setup",
                             collaborative_id=grant.collaborative_id, region=grant.region)
    saved = store.grants_for(email)
    assert set(saved) == set(grants) | held
    return ScopedStore(store, Caller.signed_in_as(email, saved), clock=clock or ManualClock())


def change(level: int = 3) -> AnswerChange:
    return AnswerChange(level=level, recorded_by="someone")


def refused(call, *args, **kwargs) -> None:
    with pytest.raises(AccessDenied):
        call(*args, **kwargs)


def every_read_of(scoped: ScopedStore, made: dict) -> list:
    """Every read that names one collaborative's data, as (method, arguments)."""
    round_id, collaborative = made["round"], made["collaborative"]
    return [
        (scoped.get_collaborative, (collaborative,)), (scoped.members, (collaborative,)),
        (scoped.profile_history, (collaborative,)), (scoped.rounds, (collaborative,)),
        (scoped.get_round, (round_id,)), (scoped.current_answers, ([round_id],)),
        (scoped.respondents, ([round_id],)), (scoped.self_described_stages, ([round_id],)),
        (scoped.current_consensus, ([round_id],)), (scoped.actions, (round_id,)),
        (scoped.kept_scores, (round_id,)), (scoped.participation, ([round_id],)),
        (scoped.area_coverage, ([round_id],)), (scoped.answer_history, (round_id,)),
        (scoped.workshops, ([round_id],)), (scoped.imports, ([round_id],)),
        (scoped.get_workshop, (made["workshop"],)),
        (scoped.shown_workshop_votes, (made["workshop"],)),
        (scoped.workshop_reveals, (made["workshop"],)), (scoped.workshop_room, (made["workshop"],)),
        (scoped.round_area_scores, ([round_id],)),
        (scoped.action_history, (made["action"],)), (scoped.get_respondent, (made["people"][1],)),
    ]


def every_write_to(scoped: ScopedStore, made: dict, bank) -> list:
    round_id, collaborative = made["round"], made["collaborative"]
    statement = bank.statements[0].id
    return [
        (scoped.update_collaborative, (collaborative, CollaborativeProfile(name="Taken"), "x")),
        (scoped.add_member, (collaborative, MemberInput(organisation="Trust",
                                                        organisation_type="Acute trust"), "x")),
        (scoped.open_round, (collaborative, RoundInput(label="Next", opens_on=date(2027, 4, 1)),
                             bank, "x")),
        (scoped.close_round, (round_id, "x")), (scoped.reopen_round, (round_id, "x")),
        (scoped.record_consensus, (round_id, statement, ConsensusInput(level=2,
                                                                       recorded_by="x"))),
        (scoped.add_action, (round_id, ActionInput(description="Mine now", recorded_by="x"))),
        (scoped.update_action_status, (made["action"], ActionStatusInput(status="done",
                                                                          changed_by="x"))),
        (scoped.start_workshop, (round_id, WorkshopInput(title="Mine", statement_ids=(statement,),
                                                         started_by="x"))),
        (scoped.change_answer, (round_id, made["people"][1], statement, change())),
        (scoped.record_answer, (round_id, made["people"][1], statement, answer(4))),
        (scoped.add_respondent, (round_id, RespondentInput(role="Executive director"))),
    ]


ADMIN_ONLY = ["grant_role", "revoke_role", "role_grants", "audit_entries", "copy_to",
              "replace_everything", "remove_demo", "import_demo", "table_counts",
              "create_collaborative", "generate_national_scale", "fingerprint",
              "peer_snapshot_on", "snapshot_profile", "snapshot_peers",
              "snapshot_peer_aggregates"]


# -- a collaborative lead --------------------------------------------------------------------------

def test_a_lead_reads_and_runs_their_own_collaborative(store, two, small_bank):
    lead = as_caller(store, Grant(Role.LEAD, two["a"]["collaborative"]))
    for method, args in every_read_of(lead, two["a"]):
        method(*args)
    lead.update_collaborative(two["a"]["collaborative"], CollaborativeProfile(
        name="Northern Partnership", region="North East and Yorkshire"), "typed name")
    lead.close_round(two["a"]["round"], "typed name")
    assert lead.collaboratives()["name"].tolist() == ["Northern Partnership"]


def test_a_lead_can_neither_read_nor_change_another_collaborative(store, two, small_bank):
    lead = as_caller(store, Grant(Role.LEAD, two["a"]["collaborative"]))
    for method, args in every_read_of(lead, two["b"]) + every_write_to(lead, two["b"], small_bank):
        refused(method, *args)
    assert store.get_collaborative(two["b"]["collaborative"]).name == "Southern Alliance"
    assert store.get_round(two["b"]["round"]).is_open


def test_a_lead_cannot_change_peoples_answers_even_in_their_own_round(store, two, small_bank):
    lead = as_caller(store, Grant(Role.LEAD, two["a"]["collaborative"]))
    statement = small_bank.statements[0].id
    refused(lead.change_answer, two["a"]["round"], two["a"]["people"][0], statement, change())
    assert store.current_answers([two["a"]["round"]])["level"].eq(2).all()


def test_a_lead_sees_peers_only_as_anonymous_figures(store, two):
    lead = as_caller(store, Grant(Role.LEAD, two["a"]["collaborative"]))
    store.close_round(two["b"]["round"], "setup")
    assert lead.submitted_rounds(RoundFilter(), latest_only=True).empty
    assert lead.submitted_rounds(RoundFilter(only_collaborative_ids=(
        two["b"]["collaborative"],)), latest_only=True).empty
    a = store.get_collaborative(two["a"]["collaborative"])
    comparison = lead.peer_comparison(a, store.get_round(two["a"]["round"]), (1, 2))
    assert comparison.why_hidden  # one peer is below the threshold: no figures at all
    assert comparison.areas.empty
    b = store.get_collaborative(two["b"]["collaborative"])
    refused(lead.peer_comparison, b, store.get_round(two["b"]["round"]), (1, 2))


@pytest.mark.parametrize("method", ADMIN_ONLY)
def test_administrators_tools_are_refused_to_everyone_else(store, two, method):
    for grant in (Grant(Role.LEAD, two["a"]["collaborative"]),
                  Grant(Role.REGIONAL, region="South West"),
                  Grant(Role.FACILITATOR, two["a"]["collaborative"])):
        with pytest.raises(AccessDenied):
            getattr(as_caller(store, grant), method)


def test_a_store_method_with_no_rule_is_closed_to_everyone_but_administrators(store, two):
    lead = as_caller(store, Grant(Role.LEAD, two["a"]["collaborative"]))
    with pytest.raises(AccessDenied):
        lead.has_demo_data()
    admin = as_caller(store, Grant(Role.ADMIN))
    assert admin.has_demo_data() is False


def test_staff_changes_are_recorded_under_the_signed_in_address(store, two):
    lead = as_caller(store, Grant(Role.LEAD, two["a"]["collaborative"]))
    lead.update_collaborative(two["a"]["collaborative"], CollaborativeProfile(
        name="Northern Partnership", region="North East and Yorkshire"), "Somebody Else")
    history = store.profile_history(two["a"]["collaborative"])
    assert history["changed_by"].iloc[0] == LEAD  # newest first
    lead.add_action(two["a"]["round"], ActionInput(description="Plan", recorded_by="Typed"))
    assert store.actions(two["a"]["round"])["recorded_by"].iloc[-1] == LEAD


# -- a facilitator ---------------------------------------------------------------------------------

def test_a_facilitator_runs_workshops_but_cannot_manage_the_collaborative(store, two, small_bank):
    facilitator = as_caller(store, Grant(Role.FACILITATOR, two["a"]["collaborative"]))
    statement = small_bank.statements[0].id
    facilitator.start_workshop(two["a"]["round"], WorkshopInput(
        title="Second", statement_ids=(statement,), started_by="x"))
    facilitator.record_consensus(two["a"]["round"], statement,
                                 ConsensusInput(level=3, recorded_by="x"))
    facilitator.update_action_status(two["a"]["action"], ActionStatusInput(status="done",
                                                                           changed_by="x"))
    managing = every_write_to(facilitator, two["a"], small_bank)[:5]  # profile, member, rounds
    for method, args in managing:
        refused(method, *args)
    for method, args in every_read_of(facilitator, two["b"]):
        refused(method, *args)


# -- a regional team -------------------------------------------------------------------------------

def test_a_regional_team_reads_its_region_and_changes_nothing(store, two, small_bank):
    regional = as_caller(store, Grant(Role.REGIONAL, region="North East and Yorkshire"))
    for method, args in every_read_of(regional, two["a"]):
        method(*args)
    for method, args in every_write_to(regional, two["a"], small_bank):
        refused(method, *args)
    for method, args in every_read_of(regional, two["b"]):
        refused(method, *args)
    store.close_round(two["a"]["round"], "setup")
    store.close_round(two["b"]["round"], "setup")
    names = regional.submitted_rounds(RoundFilter(), latest_only=True)["collaborative"].tolist()
    assert names == ["Northern Partnership"]
    assert regional.all_rounds()["collaborative_id"].unique().tolist() == [
        two["a"]["collaborative"]]
    assert regional.benchmark_choices()["region"].unique().tolist() == [
        "North East and Yorkshire"]  # the filters offer no region outside the role
    assert regional.scope_in_words() == "the North East and Yorkshire region"
    assert set(store.benchmark_choices()["region"]) == {"North East and Yorkshire", "South West"}


def test_a_regional_grant_for_a_named_collaborative_opens_only_that_one(store, two):
    regional = as_caller(store, Grant(Role.REGIONAL, two["b"]["collaborative"]))
    assert regional.collaboratives()["name"].tolist() == ["Southern Alliance"]
    assert regional.scope_in_words() == "Southern Alliance"
    for method, args in every_read_of(regional, two["a"]):
        refused(method, *args)


# -- people with a code and no account -------------------------------------------------------------

def test_a_visitor_without_a_code_sees_nothing(store, two, small_bank):
    visitor = ScopedStore(store, Caller.visitor())
    for made in (two["a"], two["b"]):
        for method, args in every_read_of(visitor, made) + every_write_to(visitor, made,
                                                                          small_bank):
            refused(method, *args)
    assert visitor.collaboratives().empty
    refused(lambda: visitor.submitted_rounds(RoundFilter(), latest_only=True))


def test_a_resume_code_opens_its_owners_answers_and_nobody_elses(store, two, small_bank):
    visitor = ScopedStore(store, Caller.visitor())
    me = visitor.find_respondent(two["a"]["code"])
    round_id = two["a"]["round"]
    statement = small_bank.statements[0].id
    visitor.change_answer(round_id, me.id, statement, change(4))
    mine = visitor.current_answers([round_id])
    assert set(mine["respondent_id"]) == {me.id}
    assert set(visitor.respondents([round_id])["respondent_id"]) == {me.id}
    assert visitor.rounds(two["a"]["collaborative"])["id"].tolist() == [round_id]
    visitor.answer_history(round_id, me.id)
    other = two["a"]["people"][1]
    refused(visitor.change_answer, round_id, other, statement, change(1))
    refused(visitor.get_respondent, other)
    refused(visitor.answer_history, round_id)
    refused(visitor.answer_history, round_id, other)
    refused(visitor.actions, round_id)
    refused(visitor.kept_scores, round_id)
    for method, args in every_read_of(visitor, two["b"]):
        refused(method, *args)
    assert visitor.collaboratives().empty


def test_in_shared_mode_a_code_stops_working_when_its_round_closes(store, two):
    store.close_round(two["a"]["round"], "setup")
    with pytest.raises(NotFoundError, match="closed"):
        ScopedStore(store, Caller.visitor()).find_respondent(two["a"]["code"])
    assert ScopedStore(store, Caller.local()).find_respondent(two["a"]["code"])  # local: as before


def test_an_invitation_lets_people_join_its_round_only(store, two):
    visitor = ScopedStore(store, Caller.visitor())
    invited = visitor.find_invited_round(two["a"]["invite"])
    new_id = visitor.add_respondent(invited.id, RespondentInput(role="Executive director"))
    assert visitor.get_respondent(new_id).round_id == invited.id
    refused(visitor.add_respondent, two["b"]["round"], RespondentInput(role="Executive director"))
    refused(visitor.current_consensus, [invited.id])
    invite = two["a"]["invite"]
    with pytest.raises(NotFoundError):
        visitor.find_invited_round(invite[:-1] + ("y" if invite.endswith("x") else "x"))
    with pytest.raises(NotFoundError):
        visitor.find_invited_round(str(two["a"]["round"]))


def test_a_workshop_code_lets_people_join_that_workshop_and_vote_as_themselves(store, two,
                                                                            small_bank):
    visitor = ScopedStore(store, Caller.visitor())
    workshop = visitor.find_workshop(store.get_workshop(two["a"]["workshop"]).join_code)
    me = visitor.join_workshop(workshop.id, RespondentInput(role="Executive director"))
    assert visitor.participant_workshop(me.id).id == workshop.id
    refused(visitor.join_workshop, two["b"]["workshop"], RespondentInput(role="Executive director"))
    refused(visitor.shown_workshop_votes, workshop.id)
    refused(visitor.move_workshop, workshop.id, 1, "open", "x")


# -- settings and navigation -----------------------------------------------------------------------

def test_deployment_settings_come_from_the_environment_then_the_secrets_file():
    assert read_deployment({}, None).mode == "local"
    shared = read_deployment({}, {"mode": "shared", "admins": ["Boss@NHS.net "]})
    assert shared.mode == "shared" and shared.admins == {"boss@nhs.net"}
    assert read_deployment({"COLLAB_ASSESS_MODE": "local"}, {"mode": "shared"}).mode == "local"
    assert read_deployment({"COLLAB_ASSESS_ADMINS": "a@x.org, b@x.org"}, None).admins == {
        "a@x.org", "b@x.org"}
    with pytest.raises(SettingsError, match="'local' or 'shared'"):
        read_deployment({"COLLAB_ASSESS_MODE": "open"}, None)


def test_missing_sign_in_settings_are_named_without_their_values():
    assert missing_auth_keys({"client_secret": "s3cret", "client_id": "id"}) == [
        "redirect_uri", "cookie_secret", "server_metadata_url"]


def test_each_role_is_offered_only_its_pages(two):
    a = two["a"]["collaborative"]
    visitor_pages, landing = pages_for(Caller.visitor())
    assert landing is PageName.SIGN_IN
    assert visitor_pages == {PageName.SIGN_IN, PageName.SELF_ASSESSMENT, PageName.JOIN}
    nobody, landing = pages_for(Caller.signed_in_as("n@x.org", ()))
    assert landing is PageName.NO_ACCESS and PageName.RESULTS not in nobody
    lead, _ = pages_for(Caller.signed_in_as(LEAD, (Grant(Role.LEAD, a),)))
    assert PageName.RESULTS in lead and PageName.BENCHMARK not in lead
    assert not lead & {PageName.PEOPLE, PageName.AUDIT, PageName.BACKUPS}
    regional, _ = pages_for(Caller.signed_in_as("r@x.org", (Grant(Role.REGIONAL, region="X"),)))
    assert PageName.BENCHMARK in regional and PageName.COLLABORATIVE not in regional
    assert {PageName.SELF_ASSESSMENT, PageName.JOIN} <= regional  # invitation and join links work
    admin, _ = pages_for(Caller.signed_in_as("a@x.org", (Grant(Role.ADMIN),)))
    assert {PageName.PEOPLE, PageName.AUDIT, PageName.BACKUPS} <= admin
    local, _ = pages_for(Caller.local())
    assert local == admin


# -- grants ----------------------------------------------------------------------------------------

def test_grants_are_checked_kept_and_taken_away(store, two):
    a = two["a"]["collaborative"]
    grant_id = store.grant_role(" Lead@North.Example ", Role.LEAD, "admin@x.org",
                                collaborative_id=a)
    assert store.grants_for(LEAD) == (Grant(Role.LEAD, a),)
    with pytest.raises(InputError, match="already"):
        store.grant_role(LEAD, Role.LEAD, "admin@x.org", collaborative_id=a)
    with pytest.raises(InputError, match="not an e-mail"):
        store.grant_role("lead at north", Role.LEAD, "admin@x.org", collaborative_id=a)
    with pytest.raises(InputError, match="one collaborative"):
        store.grant_role(LEAD, Role.FACILITATOR, "admin@x.org")
    with pytest.raises(InputError, match="either"):
        store.grant_role(LEAD, Role.REGIONAL, "admin@x.org", collaborative_id=a, region="X")
    with pytest.raises(InputError, match="everything"):
        store.grant_role(LEAD, Role.ADMIN, "admin@x.org", collaborative_id=a)
    store.revoke_role(grant_id, "admin@x.org")
    assert store.grants_for(LEAD) == ()
    with pytest.raises(NotFoundError):
        store.revoke_role(grant_id, "admin@x.org")
    kept = store._frame("SELECT revoked_by FROM role_grants WHERE id = ?", [grant_id])
    assert kept["revoked_by"].tolist() == ["admin@x.org"]


def test_a_grant_and_its_revoke_are_in_the_audit_log(store, two):
    grant_id = store.grant_role(LEAD, Role.REGIONAL, "admin@x.org", region="South West")
    store.revoke_role(grant_id, "admin@x.org")
    rows = store._frame("SELECT action, actor, before_value, after_value FROM audit_log "
                        "WHERE record_kind = 'role' ORDER BY id")
    assert rows["action"].tolist() == ["grant", "revoke"]
    assert '"region": "South West"' in rows["after_value"].iloc[0]
    assert pd.isna(rows["before_value"].iloc[0]) and pd.isna(rows["after_value"].iloc[1])


def test_roles_are_given_listed_and_taken_away_from_the_command_line(db_path, two, store,
                                                                     capsys):
    from collab_assess.operations.cli import main

    store.close()  # the command opens the file itself
    db = ["--db", str(db_path)]
    assert main(["grant", "Lead@X.org", "--role", "lead", "--collaborative",
                 "Northern Partnership", *db]) == 0
    assert main(["grant", "r@x.org", "--role", "regional", "--region", "South West", *db]) == 0
    assert main(["roles", *db]) == 0
    listed = capsys.readouterr().out
    assert "lead@x.org  Collaborative lead  (Northern Partnership)" in listed
    assert "r@x.org  Regional team  (South West)" in listed
    assert main(["revoke", "r@x.org", "--role", "regional", "--region", "South West", *db]) == 0
    assert main(["grant", "nobody", "--role", "lead", "--collaborative", "Northern Partnership",
                 *db]) == 1
    assert "not an e-mail address" in capsys.readouterr().err
    reopened = Store(db_path)
    try:
        assert reopened.grants_for("r@x.org") == ()
        assert reopened.grants_for("lead@x.org") == (Grant(Role.LEAD, two["a"]["collaborative"]),)
    finally:
        reopened.close()


def test_an_address_copied_from_the_page_with_invisible_characters_still_matches(store):
    from collab_assess.store.roles import normalise_email
    from collab_assess.text import as_text

    shown = as_text("lead@north.example")
    assert shown != "lead@north.example"  # the page breaks the address so it is not a link
    assert normalise_email(shown.replace("\\", "")) == "lead@north.example"
    assert normalise_email("lead@\u2060north.example\u200b") == "lead@north.example"


def test_a_role_taken_away_stops_working_even_on_a_page_opened_before(store, two, small_bank):
    from collab_assess.access.scoped_store import GRANTS_FRESH_FOR

    clock = ManualClock()
    facilitator = as_caller(store, Grant(Role.FACILITATOR, two["a"]["collaborative"]),
                            email="f@x.org", clock=clock)
    facilitator.actions(two["a"]["round"])  # allowed while the role holds
    (grant_id,) = store.role_grants()["id"]
    store.revoke_role(int(grant_id), "admin@x.org")
    facilitator.actions(two["a"]["round"])  # within one page run the grants read stand
    clock.advance(GRANTS_FRESH_FOR + 0.01)  # the click comes a run later
    for method, args in every_write_to(facilitator, two["a"], small_bank)[5:10]:
        refused(method, *args)
    refused(facilitator.actions, two["a"]["round"])


def test_an_administrator_named_in_the_settings_needs_no_grant(store, two):
    boss = ScopedStore(store, Caller.signed_in_as("boss@x.org", (), settings_admin=True))
    assert boss.caller.is_admin and boss.table_counts()
