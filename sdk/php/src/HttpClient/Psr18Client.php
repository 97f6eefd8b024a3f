<?php

namespace LeadNod\HttpClient;

use LeadNod\Exception\ApiConnectionException;
use LeadNod\Exception\ApiTimeoutException;

/**
 * Sends through a PSR-18 client (Guzzle 7, Symfony HttpClient's Psr18Client, ...) with PSR-17
 * factories to build the requests. Used when 'http_client' is a Psr\Http\Client\ClientInterface;
 * the PSR packages are never required otherwise. Timeouts are then the PSR-18 client's own.
 */
final class Psr18Client implements ClientInterface
{
    /** @var \Psr\Http\Client\ClientInterface */
    private $client;
    /** @var \Psr\Http\Message\RequestFactoryInterface */
    private $requests;
    /** @var \Psr\Http\Message\StreamFactoryInterface */
    private $streams;

    /**
     * @param \Psr\Http\Client\ClientInterface $client
     * @param \Psr\Http\Message\RequestFactoryInterface $requests
     * @param \Psr\Http\Message\StreamFactoryInterface $streams
     */
    public function __construct($client, $requests, $streams)
    {
        $this->client = $client;
        $this->requests = $requests;
        $this->streams = $streams;
    }

    /** @param mixed $client whether it is a PSR-18 client (false when PSR-18 is not installed) */
    public static function isPsr18($client): bool
    {
        return interface_exists('Psr\Http\Client\ClientInterface')
            && $client instanceof \Psr\Http\Client\ClientInterface;
    }

    public function send(string $method, string $url, array $headers, ?string $body,
                         float $timeout, float $connectTimeout): Response
    {
        $request = $this->requests->createRequest($method, $url);
        foreach ($headers as $name => $value) {
            $request = $request->withHeader($name, $value);
        }
        if ($body !== null) {
            $request = $request->withBody($this->streams->createStream($body));
        }
        try {
            $answer = $this->client->sendRequest($request);
        } catch (\Psr\Http\Client\ClientExceptionInterface $e) {
            $message = "Could not reach the LeadNod API ({$method} {$url}): " . $e->getMessage();
            if (stripos($e->getMessage(), 'timed out') !== false) {
                throw new ApiTimeoutException($message, null, null, null, null, null, [], null, $e);
            }
            throw new ApiConnectionException($message, null, null, null, null, null, [], null, $e);
        }
        $received = [];
        foreach ($answer->getHeaders() as $name => $values) {
            $received[$name] = implode(', ', $values);
        }
        return new Response($answer->getStatusCode(), $received, (string) $answer->getBody());
    }
}
