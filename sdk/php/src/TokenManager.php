<?php

namespace LeadNod;

/**
 * Access tokens: fetched with the client-credentials grant when first needed, replaced a
 * minute before they expire (half the lifetime for short ones) and when the API refuses one.
 */
final class TokenManager
{
    /** A token is replaced this long before it expires, so it cannot expire in flight. */
    public const REFRESH_MARGIN = 60.0;

    /** @var callable(): array<string, mixed> the token endpoint's answer */
    private $fetch;
    private ?string $token = null;
    private float $refreshAt = 0.0;

    /** @param callable(): array<string, mixed> $fetch */
    public function __construct(callable $fetch)
    {
        $this->fetch = $fetch;
    }

    public function token(): string
    {
        if ($this->token === null || self::now() >= $this->refreshAt) {
            $answer = ($this->fetch)();
            $expiresIn = (float) ($answer['expires_in'] ?? 3600) ?: 3600.0;
            $this->token = (string) $answer['access_token'];
            $this->refreshAt = self::now() + $expiresIn - min(self::REFRESH_MARGIN, $expiresIn / 2);
        }
        return $this->token;
    }

    /** The API answered 401 to $token: forget it, so the next call fetches a new one. */
    public function refused(string $token): void
    {
        if ($this->token === $token) {
            $this->token = null;
        }
    }

    /** Monotonic seconds: wall-clock changes do not expire or prolong tokens. */
    private static function now(): float
    {
        return hrtime(true) / 1e9;
    }
}
