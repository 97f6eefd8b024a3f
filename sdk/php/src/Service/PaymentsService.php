<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodClient;
use LeadNod\LeadNodObject;

/**
 * $client->payments: history, balances, escrow and disputes. Money is in minor units (10000
 * is $100.00); escrow moves answer a payment whose status is "processing" until it settles.
 */
class PaymentsService extends AbstractService
{
    public EscrowService $escrow;
    public DisputesService $disputes;

    public function __construct(LeadNodClient $client)
    {
        parent::__construct($client);
        $this->escrow = new EscrowService($client);
        $this->disputes = new DisputesService($client);
    }

    /**
     * Payment history (GET /v1/payments): engagement_id, type, status, from, to, limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(array $params = []): Collection
    {
        return $this->list('/payments', $params);
    }

    /** GET /v1/payments/{id}. */
    public function retrieve(string $paymentId): LeadNodObject
    {
        return $this->get('/payments/' . self::id($paymentId, 'payment_id'));
    }

    /**
     * Funded, released, refunded, disputed and available amounts (GET /v1/payments/balance):
     * engagement_id, currency.
     *
     * @param array<string, mixed> $params
     */
    public function balance(array $params = []): LeadNodObject
    {
        return $this->get('/payments/balance', $params);
    }
}
