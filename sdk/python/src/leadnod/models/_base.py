from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LeadNodModel(BaseModel):
    """An object the API answered. Fields the API adds later are kept (`extra="allow"`) so an
    older SDK keeps working; statuses and types are plain strings for the same reason."""
    model_config = ConfigDict(extra="allow", populate_by_name=True)
