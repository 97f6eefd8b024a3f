<?php

namespace LeadNod\Tests\Unit;

use LeadNod\HttpClient\ClientInterface;
use LeadNod\HttpClient\Response;

/**
 * A transport that answers from a script and records every request: answers are Responses, or
 * exceptions to throw; a token request (POST .../oauth/token) is answered by itself.
 */
final class FakeHttp implements ClientInterface
{
    /** @var list<Response|\Throwable> */
    private array $script;
    /** @var list<array{method: string, url: string, headers: array<string, string>, body: ?string}> */
    public array $requests = [];
    public int $tokensIssued = 0;

    /** @param list<Response|\Throwable> $script */
    public function __construct(array $script)
    {
        $this->script = $script;
    }

    public static function json(int $status, array $body, array $headers = []): Response
    {
        return new Response($status, $headers + ['Content-Type' => 'application/json'],
            (string) json_encode($body));
    }

    public function send(string $method, string $url, array $headers, ?string $body,
                         float $timeout, float $connectTimeout): Response
    {
        if (substr($url, -12) === '/oauth/token') {
            $this->tokensIssued++;
            return self::json(200, ['access_token' => 'tok_' . $this->tokensIssued,
                'token_type' => 'Bearer', 'expires_in' => 3600, 'scope' => 'read write']);
        }
        $this->requests[] = compact('method', 'url', 'headers', 'body');
        $next = array_shift($this->script);
        if ($next === null) {
            throw new \LogicException("unexpected request {$method} {$url}");
        }
        if ($next instanceof \Throwable) {
            throw $next;
        }
        return $next;
    }

    /** @return list<string> */
    public function header(string $name): array
    {
        return array_map(static function (array $request) use ($name): string {
            return $request['headers'][$name] ?? '';
        }, $this->requests);
    }
}
