<?php

namespace LeadNod\HttpClient;

use LeadNod\Exception\ApiConnectionException;
use LeadNod\Exception\ApiTimeoutException;

/**
 * The default transport: ext-curl. Each request gets a connection of its own: on a reused
 * connection that dies before answering, libcurl silently sends the request again, outside the
 * SDK's retry count and its backoff (and max_retries => 0 would not mean one attempt).
 */
final class CurlClient implements ClientInterface
{
    /** @var \CurlHandle|resource|null */
    private $handle = null;

    public function send(string $method, string $url, array $headers, ?string $body,
                         float $timeout, float $connectTimeout): Response
    {
        if ($this->handle === null) {
            $this->handle = curl_init();
        } else {
            curl_reset($this->handle);
        }
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        $received = [];
        $options = [
            CURLOPT_URL => $url,
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_HTTPHEADER => $lines,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_FORBID_REUSE => true,
            CURLOPT_TIMEOUT_MS => (int) ceil($timeout * 1000),
            CURLOPT_CONNECTTIMEOUT_MS => (int) ceil($connectTimeout * 1000),
            CURLOPT_HEADERFUNCTION => static function ($handle, string $line) use (&$received): int {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $received[strtolower(trim($parts[0]))] = trim($parts[1]);
                } elseif (strncmp($line, 'HTTP/', 5) === 0) {
                    $received = [];  // a new status line (100 Continue, ...): its own headers
                }
                return strlen($line);
            },
        ];
        if ($body !== null) {
            $options[CURLOPT_POSTFIELDS] = $body;
        }
        curl_setopt_array($this->handle, $options);
        $answer = curl_exec($this->handle);
        if ($answer === false) {
            $errno = curl_errno($this->handle);
            $message = "Could not reach the LeadNod API ({$method} {$url}): curl error {$errno}, "
                . curl_error($this->handle);
            if ($errno === CURLE_OPERATION_TIMEDOUT) {
                throw new ApiTimeoutException($message);
            }
            throw new ApiConnectionException($message);
        }
        return new Response((int) curl_getinfo($this->handle, CURLINFO_RESPONSE_CODE), $received,
            (string) $answer);
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            curl_close($this->handle);
        }
    }
}
