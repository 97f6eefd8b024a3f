<?php

namespace LeadNod\Tests\Unit;

use LeadNod\Exception;
use LeadNod\HttpClient\Response;
use LeadNod\LeadNodClient;
use PHPUnit\Framework\TestCase;

final class ClientTest extends TestCase
{
    private const ENV = ['LEADNOD_CLIENT_ID', 'LEADNOD_CLIENT_SECRET', 'LEADNOD_BASE_URL',
        'LEADNOD_ENVIRONMENT'];
    /** @var array<string, string|false> */
    private array $saved = [];

    protected function setUp(): void
    {
        foreach (self::ENV as $name) {
            $this->saved[$name] = getenv($name);
            putenv($name);
        }
    }

    protected function tearDown(): void
    {
        foreach ($this->saved as $name => $value) {
            putenv($value === false ? $name : "{$name}={$value}");
        }
    }

    private static function client(FakeHttp $http, array $options = []): LeadNodClient
    {
        return new LeadNodClient($options + ['client_id' => 'cli_1', 'client_secret' => 'lns_1',
            'base_url' => 'http://127.0.0.1:8000', 'http_client' => $http]);
    }

    public function test_credentials_and_base_url_fall_back_to_the_environment(): void
    {
        putenv('LEADNOD_CLIENT_ID=cli_env');
        putenv('LEADNOD_CLIENT_SECRET=lns_env');
        putenv('LEADNOD_BASE_URL=http://127.0.0.1:9999/v1/');
        $http = new FakeHttp([FakeHttp::json(200, ['id' => 'usr_1'])]);
        (new LeadNodClient(['http_client' => $http]))->users->me();
        self::assertSame('http://127.0.0.1:9999/v1/users/me', $http->requests[0]['url']);
    }

    public function test_the_base_url_is_production_or_the_sandbox_by_default(): void
    {
        $options = ['client_id' => 'c', 'client_secret' => 's'];
        self::assertSame('https://api.leadnod.com/v1', (new LeadNodClient($options))->getBaseUrl());
        self::assertSame('https://sandbox.api.leadnod.com/v1',
            (new LeadNodClient($options + ['environment' => 'sandbox']))->getBaseUrl());
        self::assertSame('http://127.0.0.1:8000/v1',
            (new LeadNodClient($options + ['base_url' => 'http://127.0.0.1:8000']))->getBaseUrl());
    }

    public function test_missing_credentials_and_unknown_options_are_refused(): void
    {
        try {
            new LeadNodClient([]);
            self::fail('no exception');
        } catch (Exception\LeadNodException $e) {
            self::assertStringContainsString('LEADNOD_CLIENT_ID', $e->getMessage());
        }
        $this->expectException(\InvalidArgumentException::class);
        new LeadNodClient(['client_id' => 'c', 'client_secret' => 's', 'clientId' => 'typo']);
    }

    public function test_requests_carry_a_bearer_token_fetched_once(): void
    {
        $http = new FakeHttp([FakeHttp::json(200, ['id' => 'usr_1']), FakeHttp::json(200, ['id' => 'usr_1'])]);
        $client = self::client($http);
        $client->users->me();
        $client->users->me();
        self::assertSame(1, $http->tokensIssued);
        self::assertSame(['Bearer tok_1', 'Bearer tok_1'], $http->header('Authorization'));
        self::assertStringStartsWith('leadnod-php/', $http->requests[0]['headers']['User-Agent']);
        self::assertSame('', $http->header('Idempotency-Key')[0], 'a GET has no Idempotency-Key');
    }

    public function test_a_refused_token_is_replaced_once_then_authentication_fails(): void
    {
        $unauthorized = FakeHttp::json(401, ['error' => ['code' => 'invalid_token', 'message' => 'no']]);
        $http = new FakeHttp([$unauthorized, FakeHttp::json(200, ['id' => 'usr_1']), $unauthorized, $unauthorized]);
        $client = self::client($http);
        self::assertSame('usr_1', $client->users->me()->id);
        self::assertSame(['Bearer tok_1', 'Bearer tok_2'], $http->header('Authorization'));
        $this->expectException(Exception\AuthenticationException::class);
        $client->users->me();
    }

    public function test_a_post_keeps_one_idempotency_key_across_its_retries(): void
    {
        $http = new FakeHttp([
            FakeHttp::json(503, ['error' => ['code' => 'unavailable', 'message' => 'x']], ['Retry-After' => '0']),
            new Exception\ApiConnectionException('dropped'),
            FakeHttp::json(201, ['id' => 'opp_1', 'status' => 'open']),
        ]);
        $opportunity = self::client($http)->opportunities->create(['title' => 'AE']);
        self::assertSame('opp_1', $opportunity->id);
        $keys = $http->header('Idempotency-Key');
        self::assertCount(3, $keys);
        self::assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $keys[0]);
        self::assertSame([$keys[0], $keys[0], $keys[0]], $keys);
        self::assertSame('{"title":"AE"}', $http->requests[0]['body']);
    }

    public function test_the_callers_idempotency_key_is_sent_and_each_call_gets_its_own(): void
    {
        $http = new FakeHttp([FakeHttp::json(201, ['id' => 'a']), FakeHttp::json(201, ['id' => 'b']),
            FakeHttp::json(201, ['id' => 'c'])]);
        $client = self::client($http);
        $client->opportunities->create(['title' => 'A'], ['idempotency_key' => 'mine-1']);
        $client->opportunities->create(['title' => 'B']);
        $client->opportunities->create(['title' => 'C']);
        [$mine, $second, $third] = $http->header('Idempotency-Key');
        self::assertSame('mine-1', $mine);
        self::assertNotSame($second, $third);
    }

    public function test_retry_after_is_honoured(): void
    {
        $http = new FakeHttp([
            FakeHttp::json(429, ['error' => ['code' => 'rate_limit_exceeded', 'message' => 'x']], ['Retry-After' => '1']),
            FakeHttp::json(200, ['id' => 'usr_1']),
        ]);
        $started = microtime(true);
        self::client($http)->users->me();
        self::assertGreaterThanOrEqual(0.95, microtime(true) - $started);
    }

    public function test_final_errors_are_not_retried_and_retries_stop_at_max_retries(): void
    {
        $quota = FakeHttp::json(429, ['error' => ['code' => 'daily_quota_exceeded', 'message' => 'x']],
            ['Retry-After' => '3600']);
        $http = new FakeHttp([$quota]);
        try {
            self::client($http)->users->me();
            self::fail('no exception');
        } catch (Exception\RateLimitException $e) {
            self::assertSame(3600.0, $e->getRetryAfter());
            self::assertCount(1, $http->requests);
        }
        $error = FakeHttp::json(500, ['error' => ['code' => 'internal_error', 'message' => 'x']], ['Retry-After' => '0']);
        $http = new FakeHttp([$error, $error, $error]);
        try {
            self::client($http)->users->me();
            self::fail('no exception');
        } catch (Exception\ApiException $e) {
            self::assertSame(Exception\ApiException::class, get_class($e));
            self::assertCount(3, $http->requests);
        }
        $http = new FakeHttp([new Exception\ApiTimeoutException('slow')]);
        $this->expectException(Exception\ApiTimeoutException::class);
        self::client($http, ['max_retries' => 0])->users->me();
    }

    /** @return iterable<string, array{int, class-string}> */
    public function statuses(): iterable
    {
        yield '400' => [400, Exception\InvalidRequestException::class];
        yield '401' => [401, Exception\AuthenticationException::class];
        yield '403' => [403, Exception\PermissionDeniedException::class];
        yield '404' => [404, Exception\NotFoundException::class];
        yield '409' => [409, Exception\ConflictException::class];
        yield '422' => [422, Exception\InvalidRequestException::class];
        yield '405' => [405, Exception\ApiException::class];
    }

    /** @dataProvider statuses */
    public function test_each_error_status_has_its_exception_with_the_apis_fields(int $status, string $class): void
    {
        $answer = FakeHttp::json($status, ['error' => ['code' => 'invalid_parameter',
            'message' => "The 'email' field must be a valid email address.", 'param' => 'email',
            'doc_url' => 'https://docs.leadnod.com/errors/invalid_parameter']], ['X-Request-Id' => 'req_1']);
        $http = new FakeHttp([$answer, $answer]);
        try {
            self::client($http)->users->updateMe(['email' => 'x']);
            self::fail('no exception');
        } catch (Exception\ApiException $e) {
            self::assertSame($class, get_class($e));
            self::assertSame($status, $e->getStatus());
            self::assertSame($status, $e->getCode());
            self::assertSame('invalid_parameter', $e->getErrorCode());
            self::assertSame("The 'email' field must be a valid email address.", $e->getMessage());
            self::assertSame('email', $e->getParam());
            self::assertSame('https://docs.leadnod.com/errors/invalid_parameter', $e->getDocUrl());
            self::assertSame('req_1', $e->getRequestId());
        }
    }

    public function test_the_token_endpoints_oauth_error_is_read(): void
    {
        $http = new class implements \LeadNod\HttpClient\ClientInterface {
            public function send(string $method, string $url, array $headers, ?string $body,
                                 float $timeout, float $connectTimeout): Response
            {
                return new Response(401, [], '{"error":"invalid_client","error_description":"Unknown client."}');
            }
        };
        try {
            self::client(new FakeHttp([]), ['http_client' => $http])->users->me();
            self::fail('no exception');
        } catch (Exception\AuthenticationException $e) {
            self::assertSame('invalid_client', $e->getErrorCode());
            self::assertSame('Unknown client.', $e->getMessage());
        }
    }

    public function test_query_strings_and_path_ids_are_encoded(): void
    {
        $http = new FakeHttp([FakeHttp::json(200, ['data' => [], 'has_more' => false]),
            FakeHttp::json(200, ['id' => 'x'])]);
        $client = self::client($http);
        $client->users->search(['skills' => ['Enterprise sales', 'SaaS'], 'q' => null,
            'min_experience' => 5, 'verified' => true]);
        $client->opportunities->retrieve('opp/../1');
        self::assertSame('http://127.0.0.1:8000/v1/users/search?skills=Enterprise%20sales%2CSaaS'
            . '&min_experience=5&verified=true', $http->requests[0]['url']);
        self::assertSame('http://127.0.0.1:8000/v1/opportunities/opp%2F..%2F1', $http->requests[1]['url']);
        $this->expectException(\InvalidArgumentException::class);
        $client->opportunities->retrieve(' ');
    }

    public function test_the_curl_transport_reports_no_answer_as_a_connection_exception(): void
    {
        $listener = stream_socket_server('tcp://127.0.0.1:0');
        $address = stream_socket_get_name($listener, false);
        fclose($listener);  // nothing listens there now
        $client = new LeadNodClient(['client_id' => 'c', 'client_secret' => 's',
            'base_url' => "http://{$address}", 'max_retries' => 0, 'connect_timeout' => 2]);
        $this->expectException(Exception\ApiConnectionException::class);
        $client->users->me();
    }
}
