"""Money: integer amounts in minor units and the ISO-4217 currencies we accept (docs/payments.md).

Amounts are never floats. `1000` with `usd` is $10.00; with `jpy` (no minor unit) it is ¥1000.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema

DEFAULT_CURRENCY = "usd"
MAX_AMOUNT = 10_000_000_000  # 10^10 minor units: $100,000,000.00 — far above any engagement

# ISO-4217 code -> number of minor-unit digits (the exponent). The processors we target settle
# these; extend the table (and docs/payments.md) to accept more.
CURRENCIES: dict[str, int] = {
    "usd": 2, "eur": 2, "gbp": 2, "cad": 2, "aud": 2, "nzd": 2, "chf": 2, "sek": 2, "nok": 2,
    "dkk": 2, "pln": 2, "czk": 2, "huf": 2, "ron": 2, "jpy": 0, "krw": 0, "sgd": 2, "hkd": 2,
    "inr": 2, "mxn": 2, "brl": 2, "zar": 2, "ils": 2, "aed": 2, "sar": 2, "try": 2, "thb": 2,
    "myr": 2, "php": 2, "idr": 2, "cny": 2,
}


def check_currency(value: str) -> str:
    code = value.strip().lower()
    if code not in CURRENCIES:
        raise ValueError(f"Unsupported currency '{value}'. Use a lower-case ISO-4217 code, one of: "
                         f"{', '.join(sorted(CURRENCIES))}.")
    return code


CODES: tuple[str, ...] = tuple(sorted(CURRENCIES))
_CODES_SCHEMA = {"type": "string", "enum": list(CODES)}

# Request bodies are strict, so "100", 100.0, true and null are refused before these bounds apply.
Amount = Annotated[int, Field(ge=1, le=MAX_AMOUNT)]
# Payments: any case is accepted and normalised (docs/payments.md); the document lists the codes.
Currency = Annotated[str, AfterValidator(check_currency), WithJsonSchema(
    {**_CODES_SCHEMA, "description": "Lower-case ISO-4217 code (upper case is accepted)."})]
# Opportunities and analytics: exactly one of the lower-case codes.
CurrencyCode = Literal[CODES]  # type: ignore[valid-type]


def format_amount(amount: int, currency: str) -> str:
    """`1050, "usd"` -> `"10.50 USD"` (messages only; the API always answers minor units)."""
    digits = CURRENCIES.get(currency, 2)
    whole, minor = divmod(abs(amount), 10 ** digits) if digits else (abs(amount), 0)
    sign = "-" if amount < 0 else ""
    text = f"{sign}{whole:,}" + (f".{minor:0{digits}d}" if digits else "")
    return f"{text} {currency.upper()}"
