<?php

namespace LeadNod\Service;

use LeadNod\Collection;

/** $client->messages->conversations. */
class ConversationsService extends AbstractService
{
    /**
     * The caller's conversations, latest activity first, each with the other participant, the
     * last message's preview and the unread count (GET /v1/messages/conversations): limit.
     *
     * @param array<string, mixed> $params
     */
    public function all(array $params = []): Collection
    {
        return $this->list('/messages/conversations', $params);
    }

    /**
     * A conversation's messages, oldest first (GET /v1/messages/conversations/{id}): limit.
     * Reading marks the messages you received on each page read.
     *
     * @param array<string, mixed> $params
     */
    public function retrieve(string $conversationId, array $params = []): Collection
    {
        return $this->list('/messages/conversations/' . self::id($conversationId, 'conversation_id'),
            $params);
    }
}
