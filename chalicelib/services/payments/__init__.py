"""Escrow payments on Step Functions: movements, disputes, the payments-queue worker, the
processor, idempotency and the ledger audit (docs/payments.md)."""
