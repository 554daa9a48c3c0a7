"""Fixtures for the sign-in tests: a mock OpenID Connect provider, and the app in shared mode
signing people in through it.

The provider is `oidc-provider-mock` (a test extra), run as its own process on a free loopback
port. It accepts any client id and secret and has no fixed users: its authorisation page asks for a
subject ("sub"), and a subject it has not seen before gets the claim email = that subject. So
`sign_in(page, app, "lead@example.org")` signs in as lead@example.org.

The app in shared mode is `streamlit run serve.py`, as in conftest.py, with
COLLAB_ASSESS_MODE=shared, COLLAB_ASSESS_ADMINS=admin@example.org, and a secrets file of its own
(`--secrets.files`, so neither the repository's nor the home directory's .streamlit/secrets.toml is
read) whose [auth] section points at the provider. Streamlit checks that the signed-in cookie was
made for the address the browser uses, so the app is always opened at http://127.0.0.1:<port>,
the address in redirect_uri.

Test modules import what they use from here (`from tests.e2e.oidc import ...`): pytest finds
fixtures in a test module's own namespace.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    DB_ENV_VAR,
    PEER_MODES,
    PEERS_ENV_VAR,
    REPO_ROOT,
    VIEWPORT,
    AppServer,
    _free_port,
    _load_demo_peers,
    _slug,
    _wait_until_healthy,
    _watched_tab,
    full_page_screenshot,
)
from tests.e2e.helpers import ServerProcess, new_context, wait_until_settled

ADMIN_EMAIL = "admin@example.org"
MODE_ENV_VAR = "COLLAB_ASSESS_MODE"
ADMINS_ENV_VAR = "COLLAB_ASSESS_ADMINS"
CLIENT_ID = "collab-assess-e2e"
# Collaboratives of the tests' own, made before the app starts, so a grant has a name to pick
# whether or not demo peers are loaded.
OWN_COLLABORATIVES = ("Sign-in Journey Northfield", "Sign-in Journey Southmoor")

SIGN_IN_HEADING = "Sign in to collab-assess"
SIGN_IN_BUTTON = "Sign in with your organisation account"
SIGN_OUT_BUTTON = "Sign out"


@dataclass
class OidcProvider(ServerProcess):
    """A running oidc-provider-mock; `stop()` ends it."""

    url: str
    log_path: Path
    process: subprocess.Popen
    _log_file: object = field(repr=False)

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"



@dataclass
class SharedAppServer(AppServer):
    """The app in shared mode, and what a test needs to know about it."""

    provider: OidcProvider | None = None
    secrets_path: Path | None = None
    # Every collaborative's name in the database when the app started.
    collaborative_names: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    if importlib.util.find_spec("oidc_provider_mock") is None:
        pytest.fail("The sign-in tests need the oidc-provider-mock package: "
                    "`pip install -e .[test]`.", pytrace=False)
    workdir = tmp_path_factory.mktemp("e2e-oidc")
    port = _free_port()
    log_path = workdir / "oidc-provider-mock.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - closed by OidcProvider.stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir,
        env={**os.environ, "NO_COLOR": "1"},
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    provider = OidcProvider(f"http://127.0.0.1:{port}", log_path, process, log_file)
    try:
        _wait_for_provider(provider)
        yield provider
    finally:
        provider.stop()


def _wait_for_provider(provider: OidcProvider) -> None:
    provider.wait_until_ready("oidc-provider-mock", provider.metadata_url,
                              lambda body: b"authorization_endpoint" in body)


def write_auth_secrets(path: Path, *, app_url: str, provider: OidcProvider) -> Path:
    """A secrets.toml whose [auth] section signs people in through `provider`."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
    return path


def _add_own_collaboratives(db_path: Path) -> None:
    from collab_assess.errors import InputError
    from collab_assess.store import Store
    from collab_assess.store.inputs import CollaborativeProfile

    store = Store(db_path)
    try:
        for name in OWN_COLLABORATIVES:
            try:
                store.create_collaborative(CollaborativeProfile(name=name, region="North West"),
                                           "e2e set-up")
            except InputError:  # already there
                pass
    finally:
        store.close()


def _collaborative_names(db_path: Path) -> tuple[str, ...]:
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as connection:
        rows = connection.execute("SELECT name FROM collaboratives ORDER BY name").fetchall()
    return tuple(row[0] for row in rows)


@pytest.fixture(scope="module")
def shared_app_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                      oidc_provider: OidcProvider) -> Iterator[SharedAppServer]:
    """`streamlit run serve.py` in shared mode on a fresh database holding OWN_COLLABORATIVES
    (and the demo peers, as COLLAB_E2E_DEMO_PEERS or an indirect parameter says; see conftest)."""
    mode = getattr(request, "param", None) or os.environ.get(PEERS_ENV_VAR, "yes").strip().lower()
    if mode not in PEER_MODES:
        pytest.fail(f"{PEERS_ENV_VAR} must be one of {', '.join(PEER_MODES)}, not {mode!r}",
                    pytrace=False)
    workdir = tmp_path_factory.mktemp("e2e-shared-app")
    db_path = workdir / "collab_assess.duckdb"
    peers_loaded, peers_note = _load_demo_peers(db_path, mode)
    print(f"\n[e2e] shared mode: {peers_note}")
    _add_own_collaboratives(db_path)
    names = _collaborative_names(db_path)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secrets_path = write_auth_secrets(workdir / "secrets.toml", app_url=url, provider=oidc_provider)
    log_path = workdir / "streamlit.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - closed by AppServer.stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets_path)],
        cwd=REPO_ROOT,
        env={**os.environ, DB_ENV_VAR: str(db_path), MODE_ENV_VAR: "shared",
             ADMINS_ENV_VAR: ADMIN_EMAIL},
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    server = SharedAppServer(url, db_path, log_path, peers_loaded, peers_note, process, log_file,
                             provider=oidc_provider, secrets_path=secrets_path,
                             collaborative_names=names)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        server.stop()


@pytest.fixture
def shared_page(request: pytest.FixtureRequest, browser, shared_app_server: SharedAppServer):
    """A fresh, signed-out browser tab (its own cookies) for the shared-mode app."""
    with _watched_tab(request, new_context(browser, viewport=VIEWPORT),
                      shared_app_server) as tab:
        yield tab


@pytest.fixture
def shared_screenshot(request: pytest.FixtureRequest,
                      shared_app_server: SharedAppServer) -> Callable[..., Path]:
    """As conftest's `screenshot`, named tests/artifacts/<test>-shared-NN-<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = _slug(request.node.name) + "-shared"
    counter = iter(range(1, 100))

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{prefix}-{next(counter):02d}-{_slug(name)}.png"
        if full_page:
            full_page_screenshot(page, path)
        else:
            page.screenshot(path=str(path), animations="disabled")
        return path

    return take


# --- Steps of a sign-in journey -----------------------------------------------------------------

def wait_for_sign_in_page(page) -> None:
    page.get_by_role("heading", name=SIGN_IN_HEADING).wait_for(timeout=60_000)
    wait_until_settled(page)


def sign_in(page, app: SharedAppServer, email: str) -> None:
    """From a signed-out tab: open the app, sign in at the provider as `email`, come back."""
    assert app.provider is not None
    page.goto(app.url)
    wait_for_sign_in_page(page)
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()
    sign_in_at_provider(page, app, email)


def sign_in_at_provider(page, app: SharedAppServer, email: str) -> None:
    """On the provider's authorisation page: authorise `email` (as its subject, which the mock
    also gives as the e-mail claim), then wait until the app says who is signed in."""
    assert app.provider is not None
    page.wait_for_url(re.compile("^" + re.escape(app.provider.url) + "/"), timeout=30_000)
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile("^" + re.escape(app.url) + "/"), timeout=30_000)
    wait_for_text(page, email, timeout=60_000)
    wait_until_settled(page)


def sign_out(page, app: SharedAppServer) -> None:
    """Press "Sign out"; if the provider asks to end its session too, agree; wait for the
    sign-in page."""
    assert app.provider is not None
    page.get_by_role("button", name=SIGN_OUT_BUTTON).first.click()
    end_session = page.get_by_role("button", name="End session", exact=True)
    heading = page.get_by_role("heading", name=SIGN_IN_HEADING)
    end_session.or_(heading).first.wait_for(timeout=30_000)
    if page.url.startswith(app.provider.url):
        end_session.click()
    page.wait_for_url(re.compile("^" + re.escape(app.url) + "/"), timeout=30_000)
    wait_for_sign_in_page(page)


def expand_sidebar_navigation(page) -> None:
    """Streamlit shows only the first ten pages until "View N more" is pressed, and does not
    render the rest at all: press it, if it is there."""
    more = page.locator('[data-testid="stSidebarNavViewButton"]', has_text=re.compile(r"more$"))
    if more.count():
        more.click()
        page.locator('[data-testid="stSidebarNavViewButton"]',
                     has_text="View less").wait_for(timeout=10_000)


def sidebar_page_titles(page) -> list[str]:
    """The titles of the pages the sidebar's navigation offers, all of them (none if there is no
    navigation). A link's text starts with its icon's name ("home\n\nStart"): only the title
    is kept."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    if nav.count() == 0:
        return []
    expand_sidebar_navigation(page)
    return [link.inner_text().strip().splitlines()[-1].strip()
            for link in nav.get_by_role("link").all()]


def offered(page, title: str) -> bool:
    """Whether the sidebar's navigation offers the page `title` (looking past "View N more")."""
    return title in sidebar_page_titles(page)


# The app writes names and addresses through collab_assess.text.as_text, which puts an invisible
# word joiner (U+2060) after "@" so Streamlit does not turn an address into a link:
# "admin@\u2060example.org" looks like admin@example.org but is not that string.
_INVISIBLE = dict.fromkeys(map(ord, "\u2060\u200b\u200c\u200d\ufeff"))
_INVISIBLE_JS = "/[\\u2060\\u200b\\u200c\\u200d\\ufeff]/g"


def as_seen(text: str) -> str:
    """`text` as a reader sees it: without invisible joiners and zero-width spaces."""
    return text.translate(_INVISIBLE)


def page_text(page) -> str:
    return as_seen(page.locator("body").inner_text())


def sidebar_text(page) -> str:
    sidebar = page.locator('[data-testid="stSidebar"]')
    return as_seen(sidebar.inner_text()) if sidebar.count() else ""


def wait_for_text(page, text: str, *, timeout: float = 30_000) -> None:
    """Wait until the page shows `text` (as a reader sees it, see as_seen)."""
    page.wait_for_function(
        f"""(wanted) => (document.body.innerText || '').replace({_INVISIBLE_JS}, '')
                           .includes(wanted)""",
        arg=text, timeout=timeout,
    )
