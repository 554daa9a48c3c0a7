"""Accessibility checks in a real browser, on every kind of page a board member meets.

For each of Start, Collaborative (a demo collaborative), Self-assessment (after joining a new
collaborative's round), Results (a demo collaborative, so peers show) and Glossary:

  headings   h1..h6 (and role="heading") in page order never go down more than one level at a time,
             and the page starts at h1: h1 then h3 with no h2 between fails, naming the heading;
  contrast   caption text (st.caption, the level descriptors under radio options), widget labels and
             placeholders, metric labels and a help tooltip reach 4.5:1 against what is behind them
             (3:1 for large text), worked out from the browser's computed colours, opacity included;
  names      every text box, select box, check box, radio button and radio group has an accessible
             name, as Chromium's own accessibility tree computes it.

Each page is opened once, in a fresh browser session, and audited; the tests then look at the
result, so a failure names the page and the check. Screenshots:
tests/artifacts/accessibility-<page>.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from tests.e2e.conftest import ARTIFACTS, VIEWPORT, full_page_screenshot
from tests.e2e.helpers import (
    APP_ERROR,
    assert_no_app_error,
    choose_demo_collaborative,
    create_collaborative,
    go_to_sidebar_page,
    new_context,
    open_self_assessment_as_new_respondent,
    open_start,
    wait_until_settled,
)

pytestmark = pytest.mark.browser

MIN_RATIO = 4.5        # WCAG 2.2 AA, 1.4.3, normal-size text
MIN_RATIO_LARGE = 3.0  # 24px and up, or 18.66px and up in bold
PAGES = ("Start", "Collaborative", "Self-assessment", "Results", "Glossary")
NAMED_ROLES = {"textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "radiogroup",
               "spinbutton", "slider", "switch"}
NEW_COLLABORATIVE = "Accessibility Check Collaborative"

# -- measuring -----------------------------------------------------------------------------------

HEADINGS_JS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')]
    .filter(el => el.checkVisibility({visibilityProperty: true}))
    .map(el => ({
        level: el.hasAttribute('aria-level') ? Number(el.getAttribute('aria-level'))
                                             : Number(el.tagName.slice(1)),
        text: el.innerText.trim().split('\\n')[0].slice(0, 80),
    }))"""

CONTRAST_JS = """(selectors) => {
    const parse = (text) => {
        const m = text && text.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, under) =>
        [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
    const behind = (el) => {  // the colours painted under el, composited from the page up
        const layers = [];
        for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
            const colour = parse(getComputedStyle(node).backgroundColor);
            if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
        }
        return layers.reverse().reduce((under, layer) => over(layer, under), [255, 255, 255, 1]);
    };
    const opacity = (el) => {
        let value = 1;
        for (let node = el; node && node.nodeType === 1; node = node.parentElement)
            value *= parseFloat(getComputedStyle(node).opacity);
        return value;
    };
    const luminance = (c) => {
        const [r, g, b] = c.slice(0, 3).map(v => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    };
    const css = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(', ')})`;
    const results = [];
    for (const [kind, selector] of Object.entries(selectors)) {
        for (const el of document.querySelectorAll(selector)) {
            if (!el.checkVisibility({visibilityProperty: true})) continue;
            const box = el.getBoundingClientRect();
            if (box.width < 2 || box.height < 2) continue;
            const placeholder = kind === 'placeholder';
            if (placeholder && !el.placeholder) continue;
            const text = (placeholder ? el.placeholder : el.innerText).trim();
            if (!text) continue;
            const style = getComputedStyle(el, placeholder ? '::placeholder' : null);
            const colour = parse(style.color);
            if (!colour) continue;
            const background = behind(el);
            const shown = over([colour[0], colour[1], colour[2], colour[3] * opacity(el)],
                               background);
            const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
            results.push({
                kind, text: text.split('\\n')[0].slice(0, 60),
                colour: style.color, opacity: Math.round(opacity(el) * 100) / 100,
                shown: css(shown), background: css(background),
                ratio: Math.round(ratio(shown, background) * 100) / 100,
                large: size >= 24 || (bold && size >= 18.66),
            });
        }
    }
    return results;
}"""

TOOLTIP_SHOWN_JS = """() => {
    const tip = document.querySelector('[data-testid="stTooltipContent"]');
    if (!tip) return false;
    for (let node = tip; node && node.nodeType === 1; node = node.parentElement)
        if (parseFloat(getComputedStyle(node).opacity) < 0.99) return false;
    return true;
}"""

CONTRAST_SELECTORS = {
    "caption": '[data-testid="stCaptionContainer"]:not([data-testid="stRadioCaption"] *)',
    "level descriptor": '[data-testid="stRadioCaption"] [data-testid="stCaptionContainer"]',
    "widget label": '[data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"]',
    "placeholder": "input, textarea",
    "metric label": '[data-testid="stMetricLabel"]',
    "metric delta": '[data-testid="stMetricDelta"]',
    "tooltip": '[data-testid="stTooltipContent"]',
}


def unnamed_controls(page) -> list[str]:
    """Form controls and radio groups that Chromium's accessibility tree gives no name."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        missing = []
        for node in nodes:
            role = node.get("role", {}).get("value")
            if node.get("ignored") or role not in NAMED_ROLES:
                continue
            if str(node.get("name", {}).get("value", "")).strip():
                continue
            described = role
            if "backendDOMNodeId" in node:
                remote = cdp.send("DOM.resolveNode", {"backendNodeId": node["backendDOMNodeId"]})
                html = cdp.send("Runtime.callFunctionOn", {
                    "objectId": remote["object"]["objectId"],
                    "functionDeclaration": "function () { return this.outerHTML.slice(0, 160); }",
                    "returnByValue": True,
                })["result"].get("value", "")
                described = f"{role}: {html}"
            missing.append(described)
        return missing
    finally:
        cdp.detach()


@dataclass
class Audit:
    page: str
    headings: list[dict] = field(default_factory=list)
    contrast: list[dict] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)
    error: str | None = None


def reach(name: str, page, url: str) -> None:
    """Open the page `name` as a user would get to it."""
    if name == "Start":
        open_start(page, url)
    elif name == "Collaborative":
        choose_demo_collaborative(page, url)
        go_to_sidebar_page(page, "Collaborative")
        page.get_by_role("tab", name="Profile").wait_for()
    elif name == "Self-assessment":
        create_collaborative(page, url, NEW_COLLABORATIVE)
        open_self_assessment_as_new_respondent(page)
    elif name == "Results":
        choose_demo_collaborative(page, url)
        go_to_sidebar_page(page, "Results")
        page.locator(f'[data-testid="stMetric"], {APP_ERROR}').first.wait_for()
        assert_no_app_error(page)
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.locator("canvas, svg").first.wait_for()
    elif name == "Glossary":
        page.goto(f"{url}/glossary")
        page.get_by_role("heading", name="Glossary", level=1).wait_for(timeout=60_000)
    else:
        raise ValueError(name)
    wait_until_settled(page)
    assert_no_app_error(page)


def audit_page(name: str, page, url: str) -> Audit:
    reach(name, page, url)
    audit = Audit(name)
    audit.headings = page.evaluate(HEADINGS_JS)
    audit.unnamed = unnamed_controls(page)
    audit.contrast = page.evaluate(CONTRAST_JS, CONTRAST_SELECTORS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    full_page_screenshot(page, ARTIFACTS / f"accessibility-{name.lower()}.png")
    help_button = page.locator('[data-testid="stMain"] [data-testid="stTooltipHoverTarget"]').first
    if help_button.count():  # a help tooltip's text, as shown when hovering its "?" icon
        help_button.hover()
        try:
            page.wait_for_function(TOOLTIP_SHOWN_JS, timeout=5_000)  # faded in all the way
        except Exception as error:  # noqa: BLE001 - playwright's TimeoutError
            audit.contrast.append({"kind": "tooltip", "text": f"did not appear: {error}",
                                   "ratio": 0.0, "large": False, "colour": "", "opacity": 1,
                                   "shown": "", "background": ""})
        else:
            audit.contrast += [row for row in page.evaluate(CONTRAST_JS, CONTRAST_SELECTORS)
                               if row["kind"] == "tooltip"]
    return audit


def summary(audit: Audit) -> str:
    """What was found, for the test output: the outline and the lowest contrast of each kind."""
    lowest: dict[str, dict] = {}
    for row in audit.contrast:
        if row["kind"] not in lowest or row["ratio"] < lowest[row["kind"]]["ratio"]:
            lowest[row["kind"]] = row
    return "\n".join([
        f"\n[a11y] {audit.page}",
        "  outline: " + " > ".join(f"h{h['level']} {h['text']}" for h in audit.headings),
        *(f"  lowest {kind}: {row['ratio']:.2f}:1, {row['shown']} on {row['background']} "
          f"('{row['text'][:40]}')" for kind, row in sorted(lowest.items())),
        f"  controls without a name: {len(audit.unnamed)}",
    ])


@pytest.fixture(scope="module")
def audited(browser, app_server) -> Iterator[Callable[[str], Audit]]:
    """`audited("Results")` opens that page once, in a fresh session, and returns what it found."""
    if not app_server.peers_loaded:
        pytest.fail("these checks need the demo peers (COLLAB_E2E_DEMO_PEERS=yes)", pytrace=False)
    done: dict[str, Audit] = {}

    def audit(name: str) -> Audit:
        if name not in done:
            context = new_context(browser, viewport=VIEWPORT)
            page = context.new_page()
            try:
                done[name] = audit_page(name, page, app_server.url)
                print(summary(done[name]))
            except Exception as error:  # noqa: BLE001 - reported by every check of this page
                path = ARTIFACTS / f"accessibility-{name.lower()}-FAILED.png"
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(path))
                done[name] = Audit(name, error=f"{type(error).__name__}: {error} (screen: {path})")
            finally:
                context.close()
        if done[name].error:
            pytest.fail(f"{name}: could not open the page to check it: {done[name].error}",
                        pytrace=False)
        return done[name]

    yield audit


# -- the checks ----------------------------------------------------------------------------------


def heading_skips(headings: list[dict]) -> list[str]:
    problems, previous = [], 0
    for heading in headings:
        level = heading["level"]
        if level > previous + 1:
            after = f"after an h{previous}" if previous else "as the first heading on the page"
            problems.append(f"h{level} '{heading['text']}' comes {after} (skips "
                            f"{', '.join(f'h{n}' for n in range(previous + 1, level))})")
        previous = level
    return problems


def test_heading_skip_finder():
    assert heading_skips([{"level": 1, "text": "A"}, {"level": 2, "text": "B"},
                          {"level": 3, "text": "C"}, {"level": 2, "text": "D"}]) == []
    assert heading_skips([{"level": 1, "text": "A"}, {"level": 3, "text": "B"}]) == [
        "h3 'B' comes after an h1 (skips h2)"]
    assert heading_skips([{"level": 2, "text": "A"}]) == [
        "h2 'A' comes as the first heading on the page (skips h1)"]


def test_the_measures_catch_what_they_should(page):
    """The contrast and naming checks, on a page built to fail them (and one control that
    passes)."""
    page.set_content("""
        <div style="background: #f0f4f5">
          <p data-testid="stCaptionContainer" style="color: #212b32; opacity: 0.6">Faded</p>
          <p data-testid="stCaptionContainer" style="color: #4c6272">Readable</p>
        </div>
        <input type="text" placeholder="Placeholder only">
        <textarea></textarea>
        <label>Named box <input type="text"></label>
        <div role="radiogroup"><label><input type="radio" name="r"> One</label></div>""")
    rows = {row["text"]: row for row in page.evaluate(CONTRAST_JS, CONTRAST_SELECTORS)}
    assert rows["Faded"]["ratio"] == pytest.approx(3.87, abs=0.05)
    assert rows["Readable"]["ratio"] == pytest.approx(5.75, abs=0.05)
    assert rows["Placeholder only"]["kind"] == "placeholder"
    missing = unnamed_controls(page)  # a placeholder is a name of last resort, so that box passes
    assert [entry.split(":")[0] for entry in missing] == ["textbox", "radiogroup"], missing


@pytest.mark.parametrize("name", PAGES)
def test_headings_never_skip_a_level(audited, name):
    audit = audited(name)
    assert audit.headings, f"{name}: no headings at all"
    outline = " > ".join(f"h{h['level']} {h['text']}" for h in audit.headings)
    problems = heading_skips(audit.headings)
    assert not problems, f"{name}: " + "; ".join(problems) + f"\nOutline: {outline}"


@pytest.mark.parametrize("name", PAGES)
def test_caption_and_hint_text_is_readable(audited, name):
    audit = audited(name)
    captions = [row for row in audit.contrast if row["kind"] in ("caption", "level descriptor")]
    assert captions, f"{name}: found no caption text to measure"
    failing = sorted(
        (row for row in audit.contrast
         if row["ratio"] < (MIN_RATIO_LARGE if row["large"] else MIN_RATIO)),
        key=lambda row: row["ratio"],
    )
    lines = list(dict.fromkeys(
        f"  {row['ratio']:.2f}:1 {row['kind']}: {row['colour']} at opacity {row['opacity']} "
        f"shows as {row['shown']} on {row['background']}" for row in failing))
    assert not failing, f"{name}: {len(failing)} text element(s) below {MIN_RATIO}:1, e.g. " + (
        f"'{failing[0]['text']}' ({failing[0]['kind']}):\n" + "\n".join(lines))


@pytest.mark.parametrize("name", PAGES)
def test_every_control_has_an_accessible_name(audited, name):
    audit = audited(name)
    assert not audit.unnamed, f"{name}: controls with no accessible name:\n  " + "\n  ".join(
        audit.unnamed)


def test_the_self_assessment_descriptors_were_measured(audited):
    """The grey level descriptors under each radio option are the text this check is mostly for."""
    audit = audited("Self-assessment")
    descriptors = [row for row in audit.contrast if row["kind"] == "level descriptor"]
    assert len(descriptors) >= 4, f"only {len(descriptors)} level descriptors measured"
