<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodObject;

/** $client->events: what happened on the account, as webhooks deliver it. */
class EventsService extends AbstractService
{
    /**
     * GET /v1/events: type, limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(array $params = []): Collection
    {
        return $this->list('/events', $params);
    }

    /** GET /v1/events/{id}. */
    public function retrieve(string $eventId): LeadNodObject
    {
        return $this->get('/events/' . self::id($eventId, 'event_id'));
    }
}
