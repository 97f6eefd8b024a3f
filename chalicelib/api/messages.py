"""`/v1/messages`: send, conversations (latest first), a conversation's messages, preferences."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..auth.caller import current_caller
from ..http import parse_body, parse_query, respond
from ..models.common import ListParams
from ..models.messages import PreferencesUpdate, SendMessage
from ..wiring import container
from .routing import AUTH

bp = Blueprint(__name__)


@bp.route("/v1/messages/send", methods=["POST"], authorizer=AUTH)
def send_message() -> Response:
    request = bp.current_request
    message = parse_body(request, SendMessage)
    return respond(container().messages.send(current_caller(request).user_id, message), status=201)


@bp.route("/v1/messages/conversations", methods=["GET"], authorizer=AUTH)
def list_conversations() -> Response:
    request = bp.current_request
    params = parse_query(request, ListParams)
    return respond(container().messages.conversations(current_caller(request).user_id, params))


@bp.route("/v1/messages/conversations/{conversation_id}", methods=["GET"], authorizer=AUTH)
def read_conversation(conversation_id: str) -> Response:
    request = bp.current_request
    params = parse_query(request, ListParams)
    return respond(container().messages.read(current_caller(request).user_id, conversation_id,
                                             params))


@bp.route("/v1/messages/preferences", methods=["GET"], authorizer=AUTH)
def get_preferences() -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().message_preferences.get(caller.user_id))


@bp.route("/v1/messages/preferences", methods=["PATCH", "PUT"], authorizer=AUTH)
def update_preferences() -> Response:
    request = bp.current_request
    update = parse_body(request, PreferencesUpdate)
    return respond(container().message_preferences.update(current_caller(request).user_id, update))
