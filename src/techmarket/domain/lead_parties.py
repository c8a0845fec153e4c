"""Whether a registered contract's party is the one a listing names: the check a lead's last
step makes before it counts the contract as the deal the lead brought about.

By credit code (or other identifier) when both sides have one, else by the exact name: a
contract registered between other organisations is not this lead's deal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PartyName:
    """An organisation as a listing or a contract names it; either part may be blank."""

    identifier: str
    name: str

    @property
    def known(self) -> bool:
        return bool(self.identifier.strip() or self.name.strip())

    def __str__(self) -> str:
        ident = self.identifier.strip()
        return f"{self.name.strip()}（{ident}）" if ident else self.name.strip()


def same_party(listed: PartyName, contracted: PartyName) -> bool:
    """Identifiers decide when both are present; otherwise the names must be equal."""
    a, b = listed.identifier.strip().upper(), contracted.identifier.strip().upper()
    if a and b:
        return a == b
    name = listed.name.strip()
    return bool(name) and name == contracted.name.strip()
