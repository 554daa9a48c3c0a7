"""The one extra web address the app serves: how far a running workshop has got.

A participant's phone asks it about once a second while it waits for the facilitator, naming the
workshop's code and, in a header (SEAT_HEADER), its own seat (the seat's resume code, which is in
the phone's page address already). Only a phone holding a seat of that running workshop is told
its version; every other request (a wrong, ended or unknown code, a missing or wrong seat) gets the
same 404, so the address tells someone guessing codes nothing the Join page would not, and needs
no throttle of its own. It answers from three indexed look-ups, so forty waiting phones cost the
server almost nothing; the page reruns only when the number changes (the facilitator opened voting
or moved on)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from collab_assess.content.workshop_phases import normalise_join_code
from collab_assess.store import default_db_path
from collab_assess.store.shared import shared_store

WORKSHOP_VERSION_PATH = "/api/workshop/{code}"
SEAT_HEADER = "X-Workshop-Seat"
MAX_SEAT_LENGTH = 40
NO_STORE = {"Cache-Control": "no-store"}


def workshop_version(request: Request) -> JSONResponse:
    """{"version": n} for a phone holding a seat of a running workshop; 404 for anything else
    (nothing else said)."""
    code = normalise_join_code(request.path_params["code"][:MAX_SEAT_LENGTH])
    seat = request.headers.get(SEAT_HEADER, "")[:MAX_SEAT_LENGTH]
    version = (shared_store(default_db_path()).workshop_version(code, seat)
               if code and seat else None)
    if version is None:
        return JSONResponse({"version": None}, status_code=404, headers=NO_STORE)
    return JSONResponse({"version": version}, headers=NO_STORE)


ROUTES = [Route(WORKSHOP_VERSION_PATH, workshop_version, methods=["GET"])]
