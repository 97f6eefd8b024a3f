<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodClient;
use LeadNod\LeadNodObject;

/** $client->engagements: working relationships, their lifecycle, activities and metrics. */
class EngagementsService extends AbstractService
{
    public ActivitiesService $activities;

    public function __construct(LeadNodClient $client)
    {
        parent::__construct($client);
        $this->activities = new ActivitiesService($client);
    }

    /**
     * Propose one: opportunity_id, sales_pro_id, terms (POST /v1/engagements); it is pending
     * until the sales professional starts it.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/engagements', $params, $opts);
    }

    /**
     * GET /v1/engagements: status, opportunity_id, limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(array $params = []): Collection
    {
        return $this->list('/engagements', $params);
    }

    /** GET /v1/engagements/{id}. */
    public function retrieve(string $engagementId): LeadNodObject
    {
        return $this->get(self::at($engagementId));
    }

    /**
     * pending -> active (POST /v1/engagements/{id}/start; the sales professional).
     *
     * @param array<string, mixed> $opts
     */
    public function start(string $engagementId, array $opts = []): LeadNodObject
    {
        return $this->post(self::at($engagementId) . '/start', [], $opts);
    }

    /**
     * active -> completed (POST /v1/engagements/{id}/complete).
     *
     * @param array<string, mixed> $opts
     */
    public function complete(string $engagementId, array $opts = []): LeadNodObject
    {
        return $this->post(self::at($engagementId) . '/complete', [], $opts);
    }

    /**
     * End it early: ['reason' => '...'] (POST /v1/engagements/{id}/terminate).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function terminate(string $engagementId, array $params, array $opts = []): LeadNodObject
    {
        return $this->post(self::at($engagementId) . '/terminate', $params, $opts);
    }

    /** Activities, deals closed, revenue, commission earned (GET /v1/engagements/{id}/metrics). */
    public function metrics(string $engagementId): LeadNodObject
    {
        return $this->get(self::at($engagementId) . '/metrics');
    }

    /** @internal the path of an engagement, shared with its activities */
    public static function at(string $engagementId): string
    {
        return '/engagements/' . self::id($engagementId, 'engagement_id');
    }
}
