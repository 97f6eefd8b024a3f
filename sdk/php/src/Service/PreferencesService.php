<?php

namespace LeadNod\Service;

use LeadNod\LeadNodObject;

/** $client->messages->preferences: when LeadNod emails you about messages. */
class PreferencesService extends AbstractService
{
    /** GET /v1/messages/preferences. */
    public function retrieve(): LeadNodObject
    {
        return $this->get('/messages/preferences');
    }

    /**
     * Change the fields given: email_on_new_message, digest_frequency (never, daily, weekly)
     * (PATCH /v1/messages/preferences).
     *
     * @param array<string, mixed> $params
     */
    public function update(array $params): LeadNodObject
    {
        return $this->patch('/messages/preferences', $params);
    }
}
