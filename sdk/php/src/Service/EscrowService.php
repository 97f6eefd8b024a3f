<?php

namespace LeadNod\Service;

use LeadNod\LeadNodObject;

/**
 * $client->payments->escrow: each takes engagement_id and amount. A retried call carries the
 * same Idempotency-Key, so money moves once.
 */
class EscrowService extends AbstractService
{
    /**
     * Fund an engagement's escrow: currency, payment_method (the sandbox charges pm_card_visa
     * by default), description (POST /v1/payments/escrow/fund).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function fund(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/payments/escrow/fund', $params, $opts);
    }

    /**
     * Pay the sales professional from escrow: description (POST /v1/payments/escrow/release).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function release(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/payments/escrow/release', $params, $opts);
    }

    /**
     * Return unreleased escrow to the client: reason (POST /v1/payments/escrow/refund).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function refund(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/payments/escrow/refund', $params, $opts);
    }

    /**
     * Dispute escrowed money: reason, description (POST /v1/payments/escrow/dispute).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function dispute(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/payments/escrow/dispute', $params, $opts);
    }
}
