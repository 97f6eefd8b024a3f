<?php

namespace LeadNod\Tests\Unit;

use LeadNod\HttpClient\Psr18Client;
use LeadNod\LeadNodClient;
use PHPUnit\Framework\TestCase;

/**
 * The Laravel provider against stand-ins for Laravel's classes, and a PSR-18 client against
 * stand-ins for the PSR interfaces: neither is installed here, and the package requires neither.
 * Each runs in its own process, so the stand-ins never meet the other tests.
 */
final class FrameworksTest extends TestCase
{
    /** @runInSeparateProcess */
    public function test_the_laravel_provider_binds_one_client_from_config(): void
    {
        require __DIR__ . '/stubs/laravel.php';
        require __DIR__ . '/../../src/Laravel/LeadNodServiceProvider.php';
        putenv('LEADNOD_CLIENT_ID=cli_env');
        putenv('LEADNOD_CLIENT_SECRET=lns_env');
        putenv('LEADNOD_BASE_URL');
        $app = new FakeLaravelApp(['leadnod' => ['environment' => 'sandbox']]);
        $provider = new \LeadNod\Laravel\LeadNodServiceProvider($app);
        $provider->register();
        $provider->boot();
        $client = $app->make(LeadNodClient::class);
        self::assertInstanceOf(LeadNodClient::class, $client);
        self::assertSame($client, $app->make('leadnod'));
        self::assertSame('https://sandbox.api.leadnod.com/v1', $client->getBaseUrl());
        self::assertSame(['leadnod-config'], array_keys($app->published));
        self::assertSame([LeadNodClient::class, 'leadnod'], $provider->provides());
    }

    /** @runInSeparateProcess */
    public function test_a_psr18_client_is_detected_and_sends_the_requests(): void
    {
        require __DIR__ . '/stubs/psr.php';
        $psr = new \LeadNod\Tests\Unit\Stubs\RecordingPsr18Client();
        $factory = new \LeadNod\Tests\Unit\Stubs\Factory();
        self::assertTrue(Psr18Client::isPsr18($psr));
        self::assertFalse(Psr18Client::isPsr18(new \stdClass()));
        $client = new LeadNodClient(['client_id' => 'c', 'client_secret' => 's', 'http_client' => $psr,
            'request_factory' => $factory, 'stream_factory' => $factory]);
        $created = $client->opportunities->create(['title' => 'Via PSR-18']);
        self::assertSame('opp_psr', $created->id);
        [$token, $create] = $psr->sent;
        self::assertSame('https://api.leadnod.com/oauth/token', $token->uri);
        self::assertSame('POST https://api.leadnod.com/v1/opportunities', $create->method . ' ' . $create->uri);
        self::assertSame('Bearer tok_psr', $create->headers['Authorization']);
        self::assertSame('{"title":"Via PSR-18"}', $create->body);
        $this->expectException(\InvalidArgumentException::class);
        new LeadNodClient(['client_id' => 'c', 'client_secret' => 's', 'http_client' => $psr]);
    }
}
