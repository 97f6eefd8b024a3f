<?php

namespace LeadNod\Service;

use LeadNod\LeadNodClient;
use LeadNod\LeadNodObject;

/** $client->messages: send, conversations and notification preferences. */
class MessagesService extends AbstractService
{
    public ConversationsService $conversations;
    public PreferencesService $preferences;

    public function __construct(LeadNodClient $client)
    {
        parent::__construct($client);
        $this->conversations = new ConversationsService($client);
        $this->preferences = new PreferencesService($client);
    }

    /**
     * Send a message: body, and recipient_id (the first message to someone) or conversation_id,
     * optionally engagement_id (POST /v1/messages/send).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function send(array $params, array $opts = []): LeadNodObject
    {
        return $this->post('/messages/send', $params, $opts);
    }
}
