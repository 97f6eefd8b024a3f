"""Who may see an object, and on which side of it the caller stands.

An engagement has two parties, its client and its sales pro, and what hangs off it (payments,
disputes, the metrics item) names the same two. Only they see such an object; to anyone else it
does not exist (the 404 of an unknown id), so ids cannot be probed. An opportunity has one side,
its owner (the client); sales pros see it while it is open.

`Parties.role_of` is the one place that decides which side a caller is on: the teams issue makes
the members of a client's organization count as the client there, and every check follows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping, Sequence, TypeVar

from ..auth.caller import Caller
from ..errors import Forbidden, not_found

Role = Literal["client", "sales_pro"]
Item = TypeVar("Item", bound="Mapping[str, Any] | Parties")
Opportunity = TypeVar("Opportunity", bound=Mapping[str, Any])


@dataclass(frozen=True)
class Parties:
    """The sides of an object as it names them; an opportunity names only its client."""
    client_id: str | None
    sales_pro_id: str | None = None

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> Parties:
        return cls(item.get("client_id"), item.get("sales_pro_id"))

    def role_of(self, who: Caller | str) -> Role | None:
        """The side `who` (a caller, or a user id) is on; None for anyone else."""
        user_id = who if isinstance(who, str) else who.user_id
        if user_id == self.client_id:
            return "client"
        if user_id == self.sales_pro_id:
            return "sales_pro"
        return None


def role_of(who: Caller | str, item: Mapping[str, Any] | Parties) -> Role | None:
    """The side `who` is on in `item` (an engagement, payment, dispute, opportunity...)."""
    return (item if isinstance(item, Parties) else Parties.of(item)).role_of(who)


def require_party(who: Caller | str, item: Item | None, kind: str, object_id: str, *,
                  param: str = "id") -> Item:
    """`item` if `who` is one of its parties; otherwise the 404 an unknown `object_id` gets."""
    if item is None or role_of(who, item) is None:
        raise not_found(kind, object_id, param=param)
    return item


def page_names_party(who: Caller | str, items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether every item of a page names `who` as a party: children that copy their parent's
    parties (activities since 2026-12) show who may read them without the parent. False for an
    empty page or an item without parties: then only the parent can say."""
    return bool(items) and all(role_of(who, item) is not None for item in items)


def visible_opportunity(caller: Caller, opp: Opportunity | None, opp_id: str, *,
                        param: str = "id") -> Opportunity:
    """The opportunity if `caller` may see it: its owner, or a sales pro while it is open."""
    if opp is not None and (role_of(caller, opp) == "client" or
                            (caller.is_sales_pro and opp["status"] == "open")):
        return opp
    raise not_found("opportunity", opp_id, param=param)


def owned_opportunity(caller: Caller, opp: Opportunity | None, opp_id: str, action: str, *,
                      param: str = "id") -> Opportunity:
    """The opportunity if `caller` owns it; 403 if they may only see it, 404 otherwise."""
    seen = visible_opportunity(caller, opp, opp_id, param=param)
    if role_of(caller, seen) != "client":
        raise Forbidden(f"Only the opportunity's owner can {action}.")
    return seen
