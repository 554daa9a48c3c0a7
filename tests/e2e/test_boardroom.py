"""The boardroom in real browsers: the presenter slide on a projector, a phone vote, joining
with a resume code, and links and QR codes that phones can reach.

The database is filled before the app starts (a collaborative, three self-assessors, a workshop
already revealed, one with voting open), so each test opens the screen it is about directly.
Screenshots: tests/artifacts/test-*boardroom*.png.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from collab_assess.access.public_address import link_base
from collab_assess.content.bank import load_current_bank
from collab_assess.content.scale import level_label
from collab_assess.content.workshop_phases import Move
from collab_assess.store import Store
from collab_assess.store.inputs import (
    ActionInput,
    AnswerChange,
    AnswerInput,
    CollaborativeProfile,
    ConsensusInput,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)
from collab_assess.store.records import respondent_by_id
from tests.e2e.helpers import assert_no_app_error, wait_until_settled

pytestmark = pytest.mark.browser

SLIDES = [{"width": 1366, "height": 768}, {"width": 1920, "height": 1080}]
PROJECTOR_TEXT = 24
ROOM_VOTES = (1, 2, 2, 3, 3, 4)
SELF_ASSESSORS = 3
SEATS_IN_OPEN_WORKSHOP = 2

made: dict = {}
"""What prepare() put in the database: ids, codes and who counts as taking part."""


def prepare(db_path: Path) -> None:
    bank = load_current_bank()
    store = Store(db_path)
    try:
        collaborative = store.create_collaborative(
            CollaborativeProfile(name="Boardroom Partnership", region="North West"), "lead")
        round_id = store.open_round(collaborative, RoundInput(label="Board 2026",
                                                               opens_on="2026-05-01"),
                                    bank, "lead")
        self_assessors = [store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
                          for _ in range(SELF_ASSESSORS)]
        for person in self_assessors:
            for statement in bank.statements:
                store.record_answer(round_id, person, statement.id,
                                    AnswerInput(level=2, recorded_by="self"))
        first_area = bank.statements_in(bank.areas[0].id)
        revealed = store.start_workshop(round_id, WorkshopInput(
            title="Board development session", statement_ids=tuple(s.id for s in first_area),
            started_by="facilitator"))
        seats = [store.join_workshop(revealed, RespondentInput(role="Executive director")).id
                 for _ in ROOM_VOTES]
        store.move_workshop(revealed, store.get_workshop(revealed).version, Move.OPEN, "f")
        for seat, level in zip(seats, ROOM_VOTES, strict=True):
            store.cast_vote(revealed, seat, first_area[0].id,
                            AnswerChange(level=level, recorded_by="p", source="workshop"))
        store.move_workshop(revealed, store.get_workshop(revealed).version, Move.CLOSE, "f")
        store.move_workshop(revealed, store.get_workshop(revealed).version, Move.REVEAL, "f")
        store.record_consensus(round_id, first_area[0].id, ConsensusInput(
            level=2, rationale="Two boards have not yet approved it.", recorded_by="facilitator"))
        store.add_action(round_id, ActionInput(
            description="Take the purpose to each member board", owner="Chair",
            due_on="2026-09-30", statement_id=first_area[0].id, recorded_by="facilitator"))
        longest = max(bank.statements, key=lambda s: len(s.statement) + sum(
            len(s.levels.for_level(level)) for level in (1, 2, 3, 4)))
        voting = store.start_workshop(round_id, WorkshopInput(
            title="Phones session", statement_ids=(longest.id,), started_by="facilitator"))
        store.move_workshop(voting, store.get_workshop(voting).version, Move.OPEN, "f")
        phone_seat = store.join_workshop(voting, RespondentInput(role="Executive director"))
        other_seats = [store.join_workshop(voting, RespondentInput(role="Executive director")).id
                       for _ in range(SEATS_IN_OPEN_WORKSHOP - 1)]
        for seat in (phone_seat.id, *other_seats):
            store.cast_vote(voting, seat, longest.id,
                            AnswerChange(level=3, recorded_by="p", source="workshop"))
        made.update(
            collaborative=collaborative, round=round_id, revealed=revealed, voting=voting,
            voting_code=store.get_workshop(voting).join_code,
            phone_seat=phone_seat.resume_code,
            self_code=respondent_by_id(store, self_assessors[0]).resume_code,
            took_part=SELF_ASSESSORS + len(ROOM_VOTES) + SEATS_IN_OPEN_WORKSHOP,
            first_statement=first_area[0].statement, agreed_id=first_area[0].id)
    finally:
        store.close()


WITH_ADDRESS = {"peers": "no", "prepare": prepare}
WITHOUT_ADDRESS = {"peers": "no", "prepare": prepare, "public_address": False}


def workshop_url(app_server, workshop_id: int, *, present: bool = False) -> str:
    return (f"{app_server.url}/workshop?c={made['collaborative']}&round={made['round']}"
            f"&workshop={workshop_id}" + ("&present=true" if present else ""))


def decoded_qr_codes(page) -> list[str]:
    """Every QR code on the page, read from its picture as a phone's camera would."""
    import zxingcpp
    from PIL import Image

    texts = []
    for picture in page.locator('[data-testid="stMain"] [data-testid="stImage"] img').all():
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.screenshot())))
        texts += [each.text for each in found]
    return texts


BOX_JS = """(selector) => [...document.querySelectorAll(selector)].map(el => {
    const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
})"""

SCROLLED_JS = """() => document.querySelector('[data-testid="stMain"]').scrollTop"""

SMALL_TEXT_JS = """(least) => {
    const small = [];
    const main = document.querySelector('[data-testid="stMain"]');
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode, text = node.textContent.trim();
        const el = node.parentElement;
        if (!text || !el.checkVisibility({visibilityProperty: true})) continue;
        // icons are glyphs, not words; folded detail is for the facilitator, not the room
        if (el.closest('[data-testid="stIconMaterial"], [data-testid="stTooltipIcon"], ' +
                       '[data-testid="stExpanderDetails"]')) continue;
        const r = el.getBoundingClientRect();
        if (r.bottom <= 0 || r.top >= window.innerHeight) continue;  // off the slide
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < least) small.push(`${Math.round(size)}px: ${text.slice(0, 40)}`);
    }
    return small;
}"""


def inside(box: dict, viewport: dict) -> bool:
    return (box["top"] >= 0 and box["left"] >= 0 and box["bottom"] <= viewport["height"] + 1
            and box["right"] <= viewport["width"] + 1)


@pytest.mark.parametrize("app_server", [WITH_ADDRESS], indirect=True, ids=["prepared"])
@pytest.mark.parametrize("size", SLIDES, ids=lambda size: f"{size['width']}x{size['height']}")
def test_the_presenter_slide_shows_statement_and_votes_on_one_screen(
        app_server, page, screenshot, size):
    page.set_viewport_size(size)
    page.goto(workshop_url(app_server, made["revealed"], present=True))
    page.get_by_text("Middle vote:").wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    wait_until_settled(page)
    assert_no_app_error(page)
    screenshot(page, f"presenter {size['width']}", full_page=False)

    statement = page.evaluate(BOX_JS, '[data-testid="stMain"] h2')
    chart = page.evaluate(BOX_JS, '[data-testid="stMain"] [data-testid="stVegaLiteChart"]')
    assert statement and inside(statement[0], size), f"statement at {statement}"
    assert chart and inside(chart[0], size), f"chart at {chart}"
    assert page.evaluate(SCROLLED_JS) == 0
    assert page.evaluate(SMALL_TEXT_JS, PROJECTOR_TEXT) == []
    assert page.get_by_text(made["first_statement"]).first.is_visible()


@pytest.mark.parametrize("app_server", [WITH_ADDRESS], indirect=True, ids=["prepared"])
def test_a_phone_vote_and_its_confirmation_fit_the_screen(app_server, phone_page, screenshot):
    phone_page.goto(f"{app_server.url}/join?who={made['phone_seat']}")
    choices = phone_page.get_by_role("radiogroup")
    choices.wait_for()
    wait_until_settled(phone_page)
    choices.get_by_text(level_label(4), exact=True).click()
    confirmation = phone_page.get_by_text(f"Your vote is saved: {level_label(4)}.")
    confirmation.wait_for()
    wait_until_settled(phone_page)
    screenshot(phone_page, "phone voted", full_page=False)
    screen = phone_page.viewport_size
    for name, box in (("the choices", choices.bounding_box()),
                      ("the confirmation", confirmation.bounding_box())):
        assert box is not None, name
        assert box["y"] >= 0 and box["y"] + box["height"] <= screen["height"], \
            f"{name} at {box}, below the {screen['height']}px screen"
    assert phone_page.evaluate(SCROLLED_JS) == 0
    font = confirmation.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font >= 20, f"the confirmation is {font}px"


@pytest.mark.parametrize("app_server", [WITH_ADDRESS], indirect=True, ids=["prepared"])
def test_joining_with_a_resume_code_counts_the_person_once(
        app_server, page, phone_page, screenshot):
    phone_page.goto(f"{app_server.url}/join?code={made['voting_code']}")
    phone_page.get_by_role("button", name="Join").wait_for()
    wait_until_settled(phone_page)
    phone_page.get_by_role("textbox", name=re.compile("resume code")).fill(made["self_code"])
    phone_page.get_by_role("button", name="Join").click()
    phone_page.get_by_text("You joined with your resume code").wait_for()
    wait_until_settled(phone_page)
    phone_page.get_by_role("radiogroup").get_by_text(level_label(1), exact=True).click()
    phone_page.get_by_text(f"Your vote is saved: {level_label(1)}.").wait_for()
    screenshot(phone_page, "joined with resume code", full_page=False)

    # The facilitator closes and reveals: now the votes count in the round's figures.
    page.goto(workshop_url(app_server, made["voting"]))
    page.get_by_text(f"{SEATS_IN_OPEN_WORKSHOP + 1} of {SEATS_IN_OPEN_WORKSHOP + 1} have voted")\
        .wait_for()
    wait_until_settled(page)
    page.get_by_role("button", name="Close voting").click()
    wait_until_settled(page)
    page.get_by_role("button", name="Reveal results").click()
    page.get_by_text("Middle vote:").wait_for()

    page.goto(f"{app_server.url}/results?c={made['collaborative']}&round={made['round']}")
    people = page.locator('[data-testid="stMetric"]').filter(has_text="People who took part")
    people.wait_for()
    wait_until_settled(page)
    assert people.locator('[data-testid="stMetricValue"]').inner_text().strip() \
        == str(made["took_part"])


@pytest.mark.parametrize("app_server", [WITH_ADDRESS], indirect=True, ids=["prepared"])
def test_a_configured_public_address_is_in_every_link_and_qr_code(app_server, page):
    public = f"{app_server.url}/"
    page.goto(workshop_url(app_server, made["voting"]))
    page.get_by_text("Code to join").first.wait_for()
    wait_until_settled(page)
    links = page.locator('[data-testid="stMain"] a[href*="/join"]')
    assert {links.nth(i).get_attribute("href") for i in range(links.count())} \
        == {f"{public}join"}
    code = made["voting_code"]
    assert decoded_qr_codes(page) == [f"{public}join?code={code}"]
    assert page.get_by_text("opened at a local address").count() == 0

    page.goto(f"{app_server.url}/collaborative?c={made['collaborative']}")
    page.get_by_role("tab", name="Invite and track").click()
    page.get_by_text("Scan to join this round").wait_for()
    wait_until_settled(page)
    invitation = page.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert invitation.startswith(public)
    assert decoded_qr_codes(page) == [invitation]


@pytest.mark.parametrize("app_server", [WITHOUT_ADDRESS], indirect=True, ids=["unset"])
def test_on_localhost_the_facilitator_is_warned_and_the_qr_code_uses_the_network(
        app_server, page, screenshot):
    expected = link_base(app_server.url + "/workshop", None)
    page.goto(workshop_url(app_server, made["voting"]))
    page.get_by_text("Code to join").first.wait_for()
    wait_until_settled(page)
    warning = page.get_by_text("opened at a local address")
    warning.first.wait_for()
    screenshot(page, "localhost warning", full_page=False)
    assert expected.warning is not None
    assert decoded_qr_codes(page) == [f"{expected.base}join?code={made['voting_code']}"]
    if not expected.base.startswith(app_server.url):  # this machine has a network address
        assert expected.base.split("/")[2].split(":")[0] in warning.first.inner_text()
        assert "127.0.0.1" not in decoded_qr_codes(page)[0]


@pytest.mark.parametrize("app_server", [WITH_ADDRESS], indirect=True, ids=["prepared"])
def test_results_open_with_the_boards_page_on_one_screen(app_server, page, screenshot):
    """At 1920x1080 the first screen holds the overall stage, where to act first, the splits, the
    agreed level and the open action, with nothing to scroll; the detail is folded below it."""
    page.set_viewport_size(SLIDES[1])
    page.goto(f"{app_server.url}/results?c={made['collaborative']}&round={made['round']}")
    first = page.locator(".st-key-first-screen")
    first.wait_for()
    wait_until_settled(page)
    assert_no_app_error(page)
    screenshot(page, "results first screen 1920", full_page=False)
    box = first.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= SLIDES[1]["height"], box
    shown = first.inner_text().replace("\u2060", "")  # ids are kept on one line
    assert "Where to act first" in shown
    assert made["agreed_id"] in shown and "Take the purpose to each member board" in shown
    assert page.locator('[data-testid="stMetric"]').first.is_visible()
    assert page.get_by_text("In detail", exact=True).count() == 1
