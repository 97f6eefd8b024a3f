<?php

namespace LeadNod\Service;

use LeadNod\LeadNodObject;

/** $client->analytics->export: bulk CSV or JSON downloads, written in the background. */
class ExportsService extends AbstractService
{
    /**
     * Start an export (GET /v1/analytics/export, answered 202): format (csv, json), dataset
     * (engagements, activities, payments, all), from, to. Follow it with retrieve($id) until
     * status is "completed"; download_url is then valid for 15 minutes.
     *
     * @param array<string, mixed> $params
     */
    public function request(array $params = []): LeadNodObject
    {
        return $this->get('/analytics/export', $params);
    }

    /**
     * The same as request(), as a POST with a JSON body and an Idempotency-Key
     * (POST /v1/analytics/export).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function create(array $params = [], array $opts = []): LeadNodObject
    {
        return $this->post('/analytics/export', $params, $opts);
    }

    /** An export's progress (GET /v1/analytics/export/{id}). */
    public function retrieve(string $exportId): LeadNodObject
    {
        return $this->get('/analytics/export/' . self::id($exportId, 'export_id'));
    }
}
