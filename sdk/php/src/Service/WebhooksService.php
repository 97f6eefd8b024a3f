<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodObject;

/** $client->webhooks: endpoints that receive events, and their deliveries. */
class WebhooksService extends AbstractService
{
    /**
     * Register an endpoint: url (https), events, secret (else one is made: whsec_...)
     * (POST /v1/webhooks).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/webhooks', $params, $opts);
    }

    /**
     * GET /v1/webhooks: limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(array $params = []): Collection
    {
        return $this->list('/webhooks', $params);
    }

    /** GET /v1/webhooks/{id}. */
    public function retrieve(string $webhookId): LeadNodObject
    {
        return $this->get(self::at($webhookId));
    }

    /**
     * Change the fields given: url, events, status (active, disabled), secret
     * (PATCH /v1/webhooks/{id}).
     *
     * @param array<string, mixed> $params
     */
    public function update(string $webhookId, array $params): LeadNodObject
    {
        return $this->patch(self::at($webhookId), $params);
    }

    /** DELETE /v1/webhooks/{id}. */
    public function delete(string $webhookId): void
    {
        $this->destroy(self::at($webhookId));
    }

    /**
     * An endpoint's deliveries, newest first (GET /v1/webhooks/{id}/deliveries): status, limit.
     *
     * @param array<string, mixed> $params
     */
    public function deliveries(string $webhookId, array $params = []): Collection
    {
        return $this->list(self::at($webhookId) . '/deliveries', $params);
    }

    /**
     * Deliver again now (POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry).
     *
     * @param array<string, mixed> $opts
     */
    public function retryDelivery(string $webhookId, string $deliveryId, array $opts = []): LeadNodObject
    {
        return $this->post(self::at($webhookId) . '/deliveries/' . self::id($deliveryId, 'delivery_id')
            . '/retry', [], $opts);
    }

    /**
     * Send a test event to the endpoint (POST /v1/webhooks/{id}/test).
     *
     * @param array<string, mixed> $opts
     */
    public function test(string $webhookId, array $opts = []): LeadNodObject
    {
        return $this->post(self::at($webhookId) . '/test', [], $opts);
    }

    private static function at(string $webhookId): string
    {
        return '/webhooks/' . self::id($webhookId, 'webhook_id');
    }
}
