<?php

namespace LeadNod\Service;

use LeadNod\Collection;
use LeadNod\LeadNodObject;

/**
 * $client->team: the members of the caller's organization. The owner and admins change it;
 * members get PermissionDeniedException (insufficient_role), and the owner cannot be demoted
 * or removed (owner_protected).
 */
class TeamService extends AbstractService
{
    private const TEAM = '/users/me/team';

    /** The members, oldest first, each with its role (GET /v1/users/me/team). */
    public function all(): Collection
    {
        return $this->list(self::TEAM);
    }

    /**
     * Add a member: name, email, role "admin" or "member" (POST /v1/users/me/team). The answer's
     * user is the member; its credentials (client_id, client_secret) are shown this once.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function add(array $params, array $opts = []): LeadNodObject
    {
        return $this->post(self::TEAM, $params, $opts);
    }

    /**
     * Change a member's role: ['role' => 'admin'|'member'] (PATCH /v1/users/me/team/{user_id}).
     *
     * @param array<string, mixed> $params
     */
    public function update(string $userId, array $params): LeadNodObject
    {
        return $this->patch(self::TEAM . '/' . self::id($userId, 'user_id'), $params);
    }

    /** Remove a member: its credentials and tokens stop working (DELETE .../{user_id}). */
    public function remove(string $userId): void
    {
        $this->destroy(self::TEAM . '/' . self::id($userId, 'user_id'));
    }

    /**
     * Issue a member a new client secret, shown this once: grace_seconds
     * (POST /v1/users/me/team/{user_id}/credentials/rotate; owner or admin).
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function rotateCredentials(string $userId, array $params = [], array $opts = []): LeadNodObject
    {
        return $this->post(self::TEAM . '/' . self::id($userId, 'user_id') . '/credentials/rotate',
            $params, $opts);
    }

    /**
     * Make a member the owner; the caller becomes an admin (POST .../{user_id}/transfer; the
     * owner only). Answers the new owner.
     *
     * @param array<string, mixed> $opts
     */
    public function transferOwnership(string $userId, array $opts = []): LeadNodObject
    {
        return $this->post(self::TEAM . '/' . self::id($userId, 'user_id') . '/transfer', [], $opts);
    }
}
