<?php

namespace LeadNod;

use LeadNod\Exception\LeadNodException;
use LeadNod\HttpClient\ClientInterface;
use LeadNod\HttpClient\CurlClient;
use LeadNod\HttpClient\Psr18Client;
use LeadNod\Service;

/**
 * The LeadNod API. One instance per set of credentials; the resources are its properties:
 *
 *     $client = new \LeadNod\LeadNodClient(['client_id' => 'cli_...', 'client_secret' => 'lns_...']);
 *     $me = $client->users->me();
 *
 * Options (all optional; a null value counts as left out):
 * - client_id, client_secret: else getenv LEADNOD_CLIENT_ID / LEADNOD_CLIENT_SECRET;
 * - base_url: any base URL, with or without /v1 ("http://127.0.0.1:8000" for the local stack),
 *   else LEADNOD_BASE_URL; else environment: "production" (default) or "sandbox", else
 *   LEADNOD_ENVIRONMENT;
 * - timeout (seconds per attempt, default 30), connect_timeout (default 10), max_retries
 *   (default 2), scope ("read" for read-only tokens);
 * - http_client: a LeadNod\HttpClient\ClientInterface, or a PSR-18 client together with
 *   request_factory and stream_factory (PSR-17); default: ext-curl.
 */
class LeadNodClient
{
    public const VERSION = '0.1.0';
    public const ENVIRONMENTS = [
        'production' => 'https://api.leadnod.com/v1',
        'sandbox' => 'https://sandbox.api.leadnod.com/v1',
    ];
    private const OPTIONS = ['client_id', 'client_secret', 'base_url', 'environment', 'timeout',
        'connect_timeout', 'max_retries', 'scope', 'http_client', 'request_factory',
        'stream_factory'];

    public Service\UsersService $users;
    public Service\TeamService $team;
    public Service\OpportunitiesService $opportunities;
    public Service\EngagementsService $engagements;
    public Service\PaymentsService $payments;
    public Service\MessagesService $messages;
    public Service\AnalyticsService $analytics;
    public Service\WebhooksService $webhooks;
    public Service\EventsService $events;
    public Service\UsageService $usage;

    private string $baseUrl;
    private ApiRequestor $requestor;

    /** @param array<string, mixed> $options see the class comment */
    public function __construct(array $options = [])
    {
        $unknown = array_diff(array_keys($options), self::OPTIONS);
        if ($unknown) {
            throw new \InvalidArgumentException('Unknown LeadNodClient option(s): '
                . implode(', ', $unknown) . '. Known: ' . implode(', ', self::OPTIONS) . '.');
        }
        $clientId = self::option($options, 'client_id', 'LEADNOD_CLIENT_ID');
        $clientSecret = self::option($options, 'client_secret', 'LEADNOD_CLIENT_SECRET');
        if ($clientId === null || $clientSecret === null) {
            throw new LeadNodException('Pass client_id and client_secret, or set the '
                . 'LEADNOD_CLIENT_ID and LEADNOD_CLIENT_SECRET environment variables.');
        }
        $root = self::root($options);
        $this->baseUrl = $root . '/v1';
        $maxRetries = (int) ($options['max_retries'] ?? 2);
        if ($maxRetries < 0) {
            throw new \InvalidArgumentException('max_retries must be 0 or more');
        }
        $grant = ['grant_type' => 'client_credentials', 'client_id' => $clientId,
            'client_secret' => $clientSecret];
        if (($options['scope'] ?? null) !== null) {
            $grant['scope'] = (string) $options['scope'];
        }
        $this->requestor = new ApiRequestor(self::httpClient($options), $root . '/oauth/token',
            $grant, (float) ($options['timeout'] ?? 30.0), (float) ($options['connect_timeout'] ?? 10.0),
            $maxRetries);

        $this->users = new Service\UsersService($this);
        $this->team = new Service\TeamService($this);
        $this->opportunities = new Service\OpportunitiesService($this);
        $this->engagements = new Service\EngagementsService($this);
        $this->payments = new Service\PaymentsService($this);
        $this->messages = new Service\MessagesService($this);
        $this->analytics = new Service\AnalyticsService($this);
        $this->webhooks = new Service\WebhooksService($this);
        $this->events = new Service\EventsService($this);
        $this->usage = new Service\UsageService($this);
    }

    /** The API's base URL, ending in /v1. */
    public function getBaseUrl(): string
    {
        return $this->baseUrl;
    }

    /**
     * One API call: the decoded answer (LeadNodObject), or null for an empty one (204).
     * Resources call this; it is public for operations newer than this SDK.
     *
     * @param array<string, mixed> $query
     * @param mixed $body
     * @throws LeadNodException
     */
    public function request(string $method, string $path, array $query = [], $body = null,
                            ?string $idempotencyKey = null): ?LeadNodObject
    {
        $url = $this->baseUrl . $path . Util::queryString($query);
        $response = $this->requestor->send($method, $url, $body, $idempotencyKey);
        if ($response->body === '') {
            return null;
        }
        return LeadNodObject::constructFrom(json_decode($response->body, false, 512,
            JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING));
    }

    /**
     * @param array<string, mixed> $options
     */
    private static function option(array $options, string $name, string $variable): ?string
    {
        $value = $options[$name] ?? getenv($variable);
        return ($value === false || $value === '' || $value === null) ? null : (string) $value;
    }

    /** @param array<string, mixed> $options */
    private static function root(array $options): string
    {
        $url = self::option($options, 'base_url', 'LEADNOD_BASE_URL');
        if ($url === null) {
            $name = self::option($options, 'environment', 'LEADNOD_ENVIRONMENT') ?? 'production';
            if (!isset(self::ENVIRONMENTS[$name])) {
                throw new \InvalidArgumentException('environment must be one of '
                    . implode(', ', array_keys(self::ENVIRONMENTS)) . ", got '{$name}'");
            }
            $url = self::ENVIRONMENTS[$name];
        }
        $root = rtrim($url, '/');
        return substr($root, -3) === '/v1' ? substr($root, 0, -3) : $root;
    }

    /** @param array<string, mixed> $options */
    private static function httpClient(array $options): ClientInterface
    {
        $client = $options['http_client'] ?? null;
        if ($client === null) {
            return new CurlClient();
        }
        if ($client instanceof ClientInterface) {
            return $client;
        }
        if (Psr18Client::isPsr18($client)) {
            if (!isset($options['request_factory'], $options['stream_factory'])) {
                throw new \InvalidArgumentException('A PSR-18 http_client needs request_factory '
                    . 'and stream_factory (PSR-17 factories) too.');
            }
            return new Psr18Client($client, $options['request_factory'], $options['stream_factory']);
        }
        throw new \InvalidArgumentException('http_client must be a LeadNod\HttpClient\ClientInterface '
            . 'or a PSR-18 Psr\Http\Client\ClientInterface.');
    }
}
