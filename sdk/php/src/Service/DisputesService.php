<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodObject;

/** $client->payments->disputes. */
class DisputesService extends AbstractService
{
    /**
     * GET /v1/payments/disputes: engagement_id, status, limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(array $params = []): Collection
    {
        return $this->list('/payments/disputes', $params);
    }

    /** GET /v1/payments/disputes/{id}. */
    public function retrieve(string $disputeId): LeadNodObject
    {
        return $this->get(self::at($disputeId));
    }

    /**
     * Add evidence: ['text' => '...'] (POST /v1/payments/disputes/{id}/evidence).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function addEvidence(string $disputeId, array $params, array $opts = []): LeadNodObject
    {
        return $this->post(self::at($disputeId) . '/evidence', $params, $opts);
    }

    /**
     * Accept the dispute: the disputed amount goes back to the client
     * (POST /v1/payments/disputes/{id}/accept).
     *
     * @param array<string, mixed> $opts
     */
    public function accept(string $disputeId, array $opts = []): LeadNodObject
    {
        return $this->post(self::at($disputeId) . '/accept', [], $opts);
    }

    private static function at(string $disputeId): string
    {
        return '/payments/disputes/' . self::id($disputeId, 'dispute_id');
    }
}
