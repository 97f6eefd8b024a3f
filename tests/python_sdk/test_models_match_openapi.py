"""The SDK's models are written by hand (Python 3.8 syntax, `extra="allow"`); this keeps them
in step with the API: every model's fields are exactly the properties of its schema in the
OpenAPI document the server generates from its own models."""
from __future__ import annotations

import inspect
import json

import pydantic
import pytest

import leadnod.models
from support import ROOT

DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text())
SCHEMAS = DOCUMENT["components"]["schemas"]
# SDK model -> the API schema it mirrors, where the names differ.
SCHEMA_OF = {
    "BulkCreateResult": "BulkResult",
    "Conversation": "ConversationSummary",
    "EscrowTotals": "Escrow",
    "Participant": "ParticipantSummary",
    "Profile": "SalesProProfile",      # one SDK model for both kinds of profile
    "Webhook": "WebhookWithSecret",    # `secret` is set only in the answer to a create
}
MODELS = sorted((name, model) for name, model in vars(leadnod.models).items()
                if inspect.isclass(model) and issubclass(model, pydantic.BaseModel)
                and name != "LeadNodModel")


def wire_names(model: type[pydantic.BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


@pytest.mark.parametrize("name,model", MODELS, ids=[name for name, _ in MODELS])
def test_sdk_model_fields_are_the_api_schema_properties(name, model):
    schema = SCHEMAS[SCHEMA_OF.get(name, name)]
    assert wire_names(model) == set(schema.get("properties", {}))


def test_every_sdk_model_is_checked():
    assert len(MODELS) > 30
