"""The one extra web address the app serves: how far a running workshop has got.

A participant's phone asks it about once a second while it waits for the facilitator. It answers
from one indexed look-up, so forty waiting phones cost the server almost nothing; the page reruns
only when the number changes (the facilitator opened voting or moved on)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from collab_assess.content.workshop_phases import normalise_join_code
from collab_assess.store import default_db_path
from collab_assess.store.shared import shared_store

WORKSHOP_VERSION_PATH = "/api/workshop/{code}"
NO_STORE = {"Cache-Control": "no-store"}


def workshop_version(request: Request) -> JSONResponse:
    """{"version": n} for a running workshop; 404 for a wrong or ended code (nothing else said)."""
    code = normalise_join_code(request.path_params["code"])
    version = shared_store(default_db_path()).workshop_version(code) if code else None
    if version is None:
        return JSONResponse({"version": None}, status_code=404, headers=NO_STORE)
    return JSONResponse({"version": version}, headers=NO_STORE)


ROUTES = [Route(WORKSHOP_VERSION_PATH, workshop_version, methods=["GET"])]
