"""The engagement's partition, which several repositories share (docs/data-model.md): the
engagement item itself, its metrics, activities, escrow and hold accounts, and the list keys of
its payments and disputes all hang off `ENG#<eng>`. Spelled here once."""
from __future__ import annotations


def engagement_pk(engagement_id: str) -> str:
    return f"ENG#{engagement_id}"


def engagement_key(engagement_id: str) -> dict[str, str]:
    return {"PK": engagement_pk(engagement_id), "SK": "ENG"}


def engagement_list_pk(engagement_id: str, kind: str) -> str:
    """An engagement's payments (`PAYS`) or disputes (`DSPS`), on GSI3."""
    return f"{engagement_pk(engagement_id)}#{kind}"
