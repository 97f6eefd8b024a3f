<?php

namespace LeadNod\HttpClient;

/** An HTTP answer as the SDK reads it: status, headers (names in lowercase), raw body. */
final class Response
{
    public int $status;
    /** @var array<string, string> */
    public array $headers;
    public string $body;

    /** @param array<string, string> $headers names in any case */
    public function __construct(int $status, array $headers, string $body)
    {
        $this->status = $status;
        $this->headers = array_change_key_case($headers, CASE_LOWER);
        $this->body = $body;
    }

    public function header(string $name): ?string
    {
        return $this->headers[strtolower($name)] ?? null;
    }

    public function isSuccess(): bool
    {
        return $this->status >= 200 && $this->status < 300;
    }
}
