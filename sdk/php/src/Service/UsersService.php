<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodObject;

/** $client->users: the caller's account, public profiles, sales-professional search. */
class UsersService extends AbstractService
{
    /** The caller's profile (GET /v1/users/me). */
    public function me(): LeadNodObject
    {
        return $this->get('/users/me');
    }

    /**
     * Change the fields given (PATCH /v1/users/me): name, email, company, industry, location,
     * profile (bio, website, avatar_url, headline, skills, ...); null clears a field.
     *
     * @param array<string, mixed> $params
     */
    public function updateMe(array $params): LeadNodObject
    {
        return $this->patch('/users/me', $params);
    }

    /**
     * Issue a new client secret, shown this once: grace_seconds (how long the old one keeps
     * working) (POST /v1/users/me/credentials/rotate).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function rotateCredentials(array $params = [], array $opts = []): LeadNodObject
    {
        return $this->post('/users/me/credentials/rotate', $params, $opts);
    }

    /** A user's public profile (GET /v1/users/{id}). */
    public function retrieve(string $userId): LeadNodObject
    {
        return $this->get('/users/' . self::id($userId, 'user_id'));
    }

    /**
     * Sales professionals (GET /v1/users/search): industry, skills (a list), min_experience,
     * location, availability, compensation_model, q, limit.
     *
     * @param array<string, mixed> $params
     */
    public function search(array $params = []): Collection
    {
        return $this->list('/users/search', $params);
    }
}
