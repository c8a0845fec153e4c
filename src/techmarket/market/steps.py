"""Any listing workflow step by its name: one dispatcher for the API and the pages.

The steps live in `services`; this says only which input each takes, so a front end offers
`POST …/actions/{action}` without a branch per action (as `registry/steps.py` does for contracts).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from techmarket.domain.listing_workflow import ListingAction
from techmarket.domain.listings import Kind
from techmarket.domain.problems import DomainError
from techmarket.market import services
from techmarket.market.models import Listing
from techmarket.registry.actors import Actor

# action -> (service, takes a note)
STEPS: dict[ListingAction, tuple[Callable[..., Listing], bool]] = {
    ListingAction.SUBMIT: (services.submit, False),
    ListingAction.PUBLISH: (services.publish, False),
    ListingAction.RETURN: (services.return_to_draft, True),
    ListingAction.CLOSE: (services.close, True),
}
STEP_NAMES: tuple[str, ...] = tuple(str(action) for action in STEPS)


def takes_note(action: str) -> bool:
    try:
        return STEPS[ListingAction(action)][1]
    except (ValueError, KeyError):
        return False


def run_listing_step(
    kind: Kind,
    action: str,
    listing_id: int,
    *,
    actor: Actor,
    now: datetime,
    expected_version: int | None = None,
    note: str | None = None,
) -> Listing:
    """Run the named step; a note given to a step that takes none is refused, not ignored."""
    try:
        service, with_note = STEPS[ListingAction(action)]
    except (ValueError, KeyError):
        raise DomainError(
            f"未知的操作：{action}（可用：{', '.join(STEP_NAMES)}）",
            f"unknown action {action} (use one of {', '.join(STEP_NAMES)})",
            code="unknown_action",
            field="action",
        ) from None
    if note is not None and not with_note:
        raise DomainError(
            f"操作“{action}”不接受说明",
            f"{action} takes no note",
            code="unexpected_input",
            field="note",
        )
    kwargs: dict[str, object] = {"actor": actor, "now": now, "expected_version": expected_version}
    if with_note:
        kwargs["note"] = note or ""
    return service(kind, listing_id, **kwargs)
