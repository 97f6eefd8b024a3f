<?php

namespace LeadNod\HttpClient;

use LeadNod\Exception\ApiConnectionException;

/**
 * Sends one HTTP request. The SDK ships two: CurlClient (the default) and Psr18Client (wraps
 * any PSR-18 client you pass as 'http_client'). Implement it to send requests another way.
 */
interface ClientInterface
{
    /**
     * @param array<string, string> $headers
     * @throws ApiConnectionException when no answer came (ApiTimeoutException: none in time)
     */
    public function send(string $method, string $url, array $headers, ?string $body,
                         float $timeout, float $connectTimeout): Response;
}
