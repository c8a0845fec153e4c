"""/me and /agencies: who the caller is, and where contracts can be registered."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from techmarket.api.auth import actor_of
from techmarket.api.schemas import AgencyOut, MeOut
from techmarket.registry.selectors import agencies

router = Router(tags=["reference"])


def _agency(agency: Any) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "level": agency.level,
        "region_code": agency.region_code,
        "parent": agency.parent.code if agency.parent_id else None,
    }


@router.get("/me", response=MeOut, summary="The caller")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    return {
        "username": actor.username,
        "role": str(actor.role),
        "agency": _agency(actor.agency) if actor.agency else None,
        "party_id": actor.party_id,
    }


@router.get("/agencies", response=list[AgencyOut], summary="Registration agencies")
def list_agencies(request: HttpRequest) -> list[dict[str, Any]]:
    """Every agency (public: a seller needs to know where to apply)."""
    return [_agency(a) for a in agencies()]
