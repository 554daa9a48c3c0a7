"""The address people's phones and laptops can reach the app at, for every invitation, join link
and QR code.

The app is often opened on the facilitator's own laptop as http://localhost:8501, an address that
means "this machine" to every device: a phone that scans a QR code made from it reaches nothing.
So links are built from, in order:
1. the public address setting (COLLAB_ASSESS_PUBLIC_ADDRESS, or public_address in the
   [collab_assess] section of secrets.toml), for a server behind a proxy or a fixed name;
2. otherwise, when the page was opened on this machine (localhost), the machine's address on the
   room's network, with a plain warning that says which address to use and how to set it;
3. otherwise, the address the page itself was opened at (someone already reached it there).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from collab_assess.errors import CollabAssessError

PUBLIC_ADDRESS_ENV_VAR = "COLLAB_ASSESS_PUBLIC_ADDRESS"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"})


class PublicAddressError(CollabAssessError):
    """The public address setting is not a web address the app can build links from."""


def checked_public_address(raw: str | None) -> str | None:
    """The setting as a base address ("https://assess.example.nhs.uk/collab/"), or None when it
    is not set. Refuses anything that is not an http(s) address with a host."""
    text = (raw or "").strip()
    if not text:
        return None
    scheme, host, path, query, fragment = urlsplit(text)
    if scheme not in ("http", "https") or not host or query or fragment:
        raise PublicAddressError(
            f"The setting {PUBLIC_ADDRESS_ENV_VAR} (or public_address in [collab_assess]) must be "
            f"the address people open the app at, such as https://assess.example.nhs.uk/ , not "
            f"'{text[:80]}'.")
    return urlunsplit((scheme, host, path.rstrip("/") + "/", "", ""))


def public_address_setting(environ: Mapping[str, str] = os.environ,
                           section: Mapping | None = None) -> str | None:
    """The public address from the environment first, then the secrets file's section."""
    raw = environ.get(PUBLIC_ADDRESS_ENV_VAR) or (section or {}).get("public_address")
    return checked_public_address(str(raw) if raw else None)


def is_local(page_url: str | None) -> bool:
    """Whether the page was opened at an address only this machine can reach."""
    host = (urlsplit(page_url or "").hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.")


def network_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks (not loopback), the likeliest first: the
    one its default route uses (no packet is sent), then any others its name resolves to."""
    found: list[str] = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.254.254.254", 1))  # UDP connect only picks a route
        found.append(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    try:
        found += [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None,
                                                                 socket.AF_INET)]
    except OSError:
        pass
    usable = [address for address in dict.fromkeys(found)
              if not ipaddress.ip_address(address).is_loopback]
    return usable


@dataclass(frozen=True)
class LinkBase:
    """Where links point, and what to tell the person making them."""

    base: str
    """The app's root address links are built on ("http://192.168.1.20:8501/")."""
    warning: str | None
    """Why the page's own address would not do, and what to do about it (None: all is well)."""
    from_setting: bool = False


def link_base(page_url: str | None, public_address: str | None,
              addresses: Iterable[str] | None = None) -> LinkBase:
    """The base for every link and QR code (see the module's docstring for the order)."""
    if public_address:
        return LinkBase(public_address, None, from_setting=True)
    scheme, host, path, _, _ = urlsplit(page_url or "/")
    root = urlunsplit((scheme, host, path.rsplit("/", 1)[0] + "/" if path else "/", "", ""))
    if not is_local(page_url):
        return LinkBase(root, None)
    port = urlsplit(page_url or "").port
    candidates = list(network_addresses() if addresses is None else addresses)
    if not candidates:
        return LinkBase(root, (
            "This page was opened at a local address (localhost), which no other device can "
            "reach, and this computer has no network address to offer instead. Join the room's "
            f"wifi, or set {PUBLIC_ADDRESS_ENV_VAR} to the address people should use."))
    netloc = f"{candidates[0]}:{port}" if port else candidates[0]
    base = urlunsplit((scheme or "http", netloc, path.rsplit("/", 1)[0] + "/" if path else "/",
                       "", ""))
    others = (f" This computer also has {', '.join(candidates[1:])}, if that is the network "
              "the room uses." if candidates[1:] else "")
    return LinkBase(base, (
        f"This page was opened at a local address (localhost), which phones cannot reach. The "
        f"links and QR codes here use this computer's address on its network instead: {base}."
        f"{others} People must be on the same network (the room's wifi). To choose the address "
        f"yourself, set {PUBLIC_ADDRESS_ENV_VAR} (see the README, Running a board workshop)."))
