"""From a draft's addressee lines to one delivery per post (H3, H8).

- a collective expands to its member posts, minus the XMT exclusions;
- a post reached twice (named and as a collective member, or through two
  collectives) gets one delivery, at the highest precedence it was given;
- the originator does not send to itself (it is a member of most of its
  collectives), and ``ZEN/`` addressees are not transmitted to (H8);
- the routing line lists the routing indicators of every delivery (H3).
"""

from __future__ import annotations

from dataclasses import dataclass

from cablegram.errors import NotFound
from cablegram.messaging.directory import Address, Directory
from cablegram.messaging.draft import Draft, DraftAddressee
from cablegram.model import Precedence


@dataclass(frozen=True, slots=True)
class Route:
    """One destination post and how it is reached."""

    address: Address
    precedence: Precedence
    named: DraftAddressee | None  # the addressee line naming it, None when via a collective
    via: str | None = None  # collective PLA

    @property
    def numbered(self) -> bool:
        """Whether the delivery carries a continuity number (military ones do not, H9)."""
        return not self.address.military


@dataclass(frozen=True, slots=True)
class Addressing:
    """The resolved addressee lines and the deliveries they make."""

    lines: list[tuple[DraftAddressee, Address]]  # in draft order, XMT included
    routes: list[Route]  # one per destination post, in first-reached order

    @property
    def routing_indicators(self) -> list[str]:
        seen: list[str] = []
        for r in self.routes:
            if r.address.ri and r.address.ri not in seen:
                seen.append(r.address.ri)
        return seen


def route(draft: Draft, directory: Directory, originator: Address) -> Addressing:
    """Resolve every addressee and expand collectives (validation has run before)."""
    lines: list[tuple[DraftAddressee, Address]] = []
    for a in draft.addressees:
        found = directory.lookup(a.pla)
        if found is None:
            raise NotFound(f"addressee {a.pla!r} (line {a.line}) is not in the directory")
        lines.append((a, found))
    excluded = {addr.pla for a, addr in lines if a.role == "xmt"}
    routes: dict[str, Route] = {}

    def reach(addr: Address, prec: Precedence, named: DraftAddressee | None,
              via: str | None) -> None:
        if addr.pla == originator.pla or addr.collective:
            return
        old = routes.get(addr.pla)
        if old is None:
            routes[addr.pla] = Route(addr, prec, named, via)
        elif prec > old.precedence or (named is not None and old.named is None):
            routes[addr.pla] = Route(addr, max(prec, old.precedence), named or old.named,
                                     None if named else via)

    for a, addr in lines:
        if a.role == "xmt" or a.ri == "ZEN":
            continue
        if addr.collective:
            for m in directory.members(addr.pla):
                if m.pla not in excluded:
                    reach(m, a.precedence, None, addr.pla)
        else:
            reach(addr, a.precedence, a, None)
    return Addressing(lines, list(routes.values()))
