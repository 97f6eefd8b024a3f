<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodClient;
use LeadNod\LeadNodObject;
use LeadNod\Util;

/**
 * What every resource does with its client: one call, one object back. Methods take the API's
 * fields as an array ($params) and, for a POST, $opts (['idempotency_key' => '...'] to set the
 * Idempotency-Key yourself; by default each call makes one, shared by its retries).
 */
abstract class AbstractService
{
    protected LeadNodClient $client;

    public function __construct(LeadNodClient $client)
    {
        $this->client = $client;
    }

    /** @param array<string, mixed> $query */
    protected function get(string $path, array $query = []): LeadNodObject
    {
        return $this->answer($this->client->request('GET', $path, $query));
    }

    /**
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    protected function post(string $path, array $params = [], array $opts = []): LeadNodObject
    {
        return $this->answer($this->client->request('POST', $path, [], $params,
            $opts['idempotency_key'] ?? null));
    }

    /** @param array<string, mixed> $params */
    protected function patch(string $path, array $params): LeadNodObject
    {
        return $this->answer($this->client->request('PATCH', $path, [], $params));
    }

    protected function destroy(string $path): void
    {
        $this->client->request('DELETE', $path);
    }

    /**
     * The first page of a list; it fetches the ones after it when asked.
     *
     * @param array<string, mixed> $query
     */
    protected function list(string $path, array $query = []): Collection
    {
        $fetch = function (?string $cursor) use ($path, $query, &$fetch): Collection {
            if ($cursor !== null) {
                $query['cursor'] = $cursor;
            }
            return Collection::page($this->answer($this->client->request('GET', $path, $query)),
                $fetch);
        };
        return $fetch(null);
    }

    /** An id for a URL path, escaped; an empty one is refused (it would change the route). */
    protected static function id(string $id, string $name = 'id'): string
    {
        return Util::pathId($id, $name);
    }

    private function answer(?LeadNodObject $answer): LeadNodObject
    {
        return $answer ?? new LeadNodObject();
    }
}
