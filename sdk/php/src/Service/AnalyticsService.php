<?php

namespace LeadNod\Service;

use LeadNod\LeadNodClient;
use LeadNod\LeadNodObject;

/** $client->analytics: summaries, engagement analytics, custom reports and exports. */
class AnalyticsService extends AbstractService
{
    public ReportsService $reports;
    public ExportsService $export;

    public function __construct(LeadNodClient $client)
    {
        parent::__construct($client);
        $this->reports = new ReportsService($client);
        $this->export = new ExportsService($client);
    }

    /**
     * The caller's figures over a period, lifetime by default (GET /v1/analytics/summary):
     * from, to (YYYY-MM-DD or DateTimeInterface), currency.
     *
     * @param array<string, mixed> $params
     */
    public function summary(array $params = []): LeadNodObject
    {
        return $this->get('/analytics/summary', $params);
    }

    /**
     * One engagement's daily and weekly series, funnel and payments
     * (GET /v1/analytics/engagement/{id}): from, to.
     *
     * @param array<string, mixed> $params
     */
    public function engagement(string $engagementId, array $params = []): LeadNodObject
    {
        return $this->get('/analytics/engagement/' . self::id($engagementId, 'engagement_id'), $params);
    }
}
