"""Objections (异议) and their re-check (复核) as data: the states and who counts as involved.

An objection is a record beside the contract, not a contract status: a registered contract under
objection is still registered (it counts in the statistics) until a re-check corrects it.
"""

from __future__ import annotations

from enum import StrEnum

from techmarket.domain.workflow import Action


class ObjectionStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the registration stands
    CORRECTED = "corrected"  # amended or cancelled by the re-checker


OBJECTION_STATUS_LABELS: dict[ObjectionStatus, tuple[str, str]] = {
    ObjectionStatus.OPEN: ("异议复核中", "under re-check after an objection"),
    ObjectionStatus.UPHELD: ("复核维持登记", "registration upheld on re-check"),
    ObjectionStatus.CORRECTED: ("复核后已更正", "corrected on re-check"),
}

# Steps whose actors took part in a registration: none of them may re-check it. (Accepting is a
# formal check of completeness, not a judgement on the recognition, so it does not count.)
REGISTRATION_ACTIONS: tuple[Action, ...] = (
    Action.START_REVIEW,
    Action.SEND_TO_SECOND_REVIEW,
    Action.REGISTER,
)

# The steps by which a re-check corrects a registration; while an objection is open they are the
# re-check's outcome and close it as corrected.
CORRECTING_ACTIONS: frozenset[Action] = frozenset({Action.AMEND, Action.CANCEL})
