<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodObject;

/** $client->opportunities: a client's openings, their matches and the interest they draw. */
class OpportunitiesService extends AbstractService
{
    /**
     * Create one (POST /v1/opportunities): title, industry, description, compensation_model,
     * base_salary_range (['min' =>, 'max' =>]), commission_rate, duration, requirements, ...
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/opportunities', $params, $opts);
    }

    /**
     * The first page of opportunities (GET /v1/opportunities): status, industry,
     * compensation_model, limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(array $params = []): Collection
    {
        return $this->list('/opportunities', $params);
    }

    /** GET /v1/opportunities/{id}. */
    public function retrieve(string $opportunityId): LeadNodObject
    {
        return $this->get(self::at($opportunityId));
    }

    /**
     * Change the fields given (PATCH /v1/opportunities/{id}); null clears a field.
     *
     * @param array<string, mixed> $params
     */
    public function update(string $opportunityId, array $params): LeadNodObject
    {
        return $this->patch(self::at($opportunityId), $params);
    }

    /** DELETE /v1/opportunities/{id}. */
    public function delete(string $opportunityId): void
    {
        $this->destroy(self::at($opportunityId));
    }

    /**
     * Create several at once: ['opportunities' => [[...], ...]] (POST /v1/opportunities/bulk).
     * The answer lists what was created and what was refused, item by item.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function bulkCreate(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/opportunities/bulk', $params, $opts);
    }

    /**
     * Matched sales professionals, best first (GET /v1/opportunities/{id}/matches): limit.
     *
     * @param array<string, mixed> $params
     */
    public function matches(string $opportunityId, array $params = []): Collection
    {
        return $this->list(self::at($opportunityId) . '/matches', $params);
    }

    /**
     * A sales professional's interest, with an optional message
     * (POST /v1/opportunities/{id}/interest).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function expressInterest(string $opportunityId, array $params = [],
                                    array $opts = []): LeadNodObject
    {
        return $this->post(self::at($opportunityId) . '/interest', $params, $opts);
    }

    /**
     * The interest an opportunity drew (GET /v1/opportunities/{id}/interests): limit.
     *
     * @param array<string, mixed> $params
     */
    public function interests(string $opportunityId, array $params = []): Collection
    {
        return $this->list(self::at($opportunityId) . '/interests', $params);
    }

    private static function at(string $opportunityId): string
    {
        return '/opportunities/' . self::id($opportunityId, 'opportunity_id');
    }
}
