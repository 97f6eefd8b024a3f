"""The error object every failure answers (chalicelib/errors.py builds it; docs/errors.md
lists the codes), and the OAuth token endpoint's RFC 6749 error."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Model


class ErrorDetail(Model):
    code: str = Field(description="Machine-readable; every code is listed in the errors guide.",
                      examples=["invalid_parameter"])
    message: str = Field(description="For humans; may change without notice.")
    param: str | None = Field(description="The parameter or field at fault (dotted path for "
                                          "nested fields), or null.")
    doc_url: str = Field(examples=["https://docs.leadnod.com/errors/invalid_parameter"])


class ErrorBody(Model):
    """Every error answer: `{"error": {"code", "message", "param", "doc_url"}}`."""
    error: ErrorDetail


class OAuthErrorBody(Model):
    """`POST /oauth/token` errors use RFC 6749 §5.2's shape, which OAuth client libraries
    parse."""
    error: Literal["invalid_request", "invalid_client", "invalid_scope",
                   "unsupported_grant_type", "rate_limit_exceeded"]
    error_description: str
