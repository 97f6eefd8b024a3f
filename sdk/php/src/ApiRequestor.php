<?php

namespace LeadNod;

use LeadNod\Exception\ApiException;
use LeadNod\Exception\LeadNodException;
use LeadNod\HttpClient\ClientInterface;
use LeadNod\HttpClient\Response;

/**
 * One call to the API: its attempts until a success, a final error or max_retries retries,
 * with a bearer token (a 401 gets one more attempt with a new token, not counted as a retry)
 * and, on a POST, one Idempotency-Key shared by every attempt.
 */
final class ApiRequestor
{
    private ClientInterface $http;
    private TokenManager $tokens;
    private string $tokenUrl;
    /** @var array<string, string> */
    private array $grant;
    private float $timeout;
    private float $connectTimeout;
    private int $maxRetries;

    /** @param array<string, string> $grant the client-credentials grant's body */
    public function __construct(ClientInterface $http, string $tokenUrl, array $grant,
                                float $timeout, float $connectTimeout, int $maxRetries)
    {
        $this->http = $http;
        $this->tokenUrl = $tokenUrl;
        $this->grant = $grant;
        $this->timeout = $timeout;
        $this->connectTimeout = $connectTimeout;
        $this->maxRetries = $maxRetries;
        $this->tokens = new TokenManager(function (): array {
            $answer = $this->send('POST', $this->tokenUrl, $this->grant, null, false);
            return (array) json_decode($answer->body, true);
        });
    }

    /**
     * @param mixed $body a JSON body (arrays, LeadNodObjects, DateTimeInterface values), or null
     * @throws LeadNodException
     */
    public function send(string $method, string $url, $body = null, ?string $idempotencyKey = null,
                         bool $authenticated = true): Response
    {
        $headers = [
            'Accept' => 'application/json',
            'User-Agent' => 'leadnod-php/' . LeadNodClient::VERSION . ' (PHP ' . PHP_VERSION . ')',
        ];
        $payload = null;
        if ($body !== null) {
            $headers['Content-Type'] = 'application/json';
            $payload = self::json($body);
        }
        if ($method === 'POST') {
            $headers['Idempotency-Key'] = $idempotencyKey ?? self::uuid4();
        }
        $attempt = 0;
        $renewed = false;
        while (true) {
            $token = $authenticated ? $this->tokens->token() : null;
            if ($token !== null) {
                $headers['Authorization'] = 'Bearer ' . $token;
            }
            try {
                $response = $this->http->send($method, $url, $headers, $payload, $this->timeout,
                    $this->connectTimeout);
                if ($response->isSuccess()) {
                    return $response;
                }
                if ($response->status === 401 && $token !== null && !$renewed) {
                    $this->tokens->refused($token);
                    $renewed = true;
                    continue;
                }
                $error = ApiException::fromResponse($response);
            } catch (Exception\ApiConnectionException $e) {
                $error = $e;
            }
            $delay = RetryPolicy::delay($error, $attempt, $this->maxRetries);
            if ($delay === null) {
                throw $error;
            }
            $attempt++;
            usleep((int) round($delay * 1e6));
        }
    }

    /** @param mixed $body */
    private static function json($body): string
    {
        if ($body === []) {
            return '{}';
        }
        return json_encode(self::plain($body),
            JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION
            | JSON_THROW_ON_ERROR);
    }

    /**
     * @param mixed $value
     * @return mixed dates as ISO 8601, objects passed back in as their fields
     */
    private static function plain($value)
    {
        if ($value instanceof \DateTimeInterface) {
            return $value->format(\DateTimeInterface::ATOM);
        }
        if ($value instanceof LeadNodObject) {
            $value = $value->toArray();
        }
        if (is_array($value)) {
            return array_map([self::class, 'plain'], $value);
        }
        return $value;
    }

    private static function uuid4(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}
