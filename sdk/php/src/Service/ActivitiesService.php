<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodObject;

/** $client->engagements->activities: what happened in an engagement. */
class ActivitiesService extends AbstractService
{
    /**
     * Log one: type (call, email, meeting, demo, proposal, deal_closed, note), description,
     * outcome, value (minor units, for deal_closed), occurred_at
     * (POST /v1/engagements/{id}/activities).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function log(string $engagementId, array $params, array $opts = []): LeadNodObject
    {
        return $this->post(EngagementsService::at($engagementId) . '/activities', $params, $opts);
    }

    /**
     * GET /v1/engagements/{id}/activities: limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(string $engagementId, array $params = []): Collection
    {
        return $this->list(EngagementsService::at($engagementId) . '/activities', $params);
    }
}
