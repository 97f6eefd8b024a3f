"""Webhooks: registration, outbox fan-out, signed delivery with retries (docs/webhooks.md)."""
