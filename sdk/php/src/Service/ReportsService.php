<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodObject;

/** $client->analytics->reports: custom reports, run and saved. */
class ReportsService extends AbstractService
{
    /**
     * Run and save a report (POST /v1/analytics/reports): metrics (e.g. ['activities',
     * 'deals_closed', 'revenue']), group_by (day, week, month, engagement, sales_pro,
     * activity_type), filters, from, to.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/analytics/reports', $params, $opts);
    }

    /**
     * Saved reports, newest first, without their rows (GET /v1/analytics/reports): limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(array $params = []): Collection
    {
        return $this->list('/analytics/reports', $params);
    }

    /** A saved report with its rows (GET /v1/analytics/reports/{id}). */
    public function retrieve(string $reportId): LeadNodObject
    {
        return $this->get('/analytics/reports/' . self::id($reportId, 'report_id'));
    }
}
