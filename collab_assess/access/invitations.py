"""Invitation links: how a lead asks colleagues to take part without handing over anyone's answers.

An invitation opens the start of the Self-assessment walk for one round and carries no resume code,
so it is safe to paste into an email or show on a slide as a QR code.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import segno

SELF_ASSESSMENT_PATH = "self_assessment"


INVITATION_PARAM = "invite"


def invitation_link(page_url: str | None, invite_token: str) -> str:
    """The address of the Self-assessment page for one round, built from the address of any page
    of the running app (so it works behind a proxy or a path prefix). Without one (outside a
    browser) the link is relative to the app's root. It carries the round's invitation token,
    not its number, so nobody reaches another round by changing a number in the link."""
    scheme, host, path, _, _ = urlsplit(page_url or "/")
    page = urlunsplit((scheme, host, path or "/", "", ""))
    query = urlencode({INVITATION_PARAM: invite_token})
    return f"{urljoin(page, SELF_ASSESSMENT_PATH)}?{query}"


def qr_code_png(link: str, scale: int = 8) -> bytes:
    """A QR code of the link as a PNG, large enough to scan from a projected slide."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


JOIN_PATH = "join"


def join_link(page_url: str | None, join_code: str) -> str:
    """The address participants open to join a workshop (the code is filled in for them)."""
    scheme, host, path, _, _ = urlsplit(page_url or "/")
    page = urlunsplit((scheme, host, path or "/", "", ""))
    return f"{urljoin(page, JOIN_PATH)}?{urlencode({'code': join_code})}"
