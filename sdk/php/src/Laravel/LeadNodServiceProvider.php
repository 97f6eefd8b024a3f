<?php

namespace LeadNod\Laravel;

use Illuminate\Support\ServiceProvider;
use LeadNod\LeadNodClient;

/**
 * Laravel: one LeadNodClient per application, built from config/leadnod.php (the package's
 * defaults read LEADNOD_* from .env). Auto-discovered through composer.json's extra.laravel;
 * inject LeadNodClient, or app('leadnod'). This file is the only one that needs Laravel, and
 * nothing loads it unless Laravel asks for it (init.php skips it where Laravel is absent).
 */
class LeadNodServiceProvider extends ServiceProvider
{
    private const CONFIG = __DIR__ . '/../../config/leadnod.php';

    public function register(): void
    {
        $this->mergeConfigFrom(self::CONFIG, 'leadnod');
        $this->app->singleton(LeadNodClient::class, static function ($app): LeadNodClient {
            return new LeadNodClient(array_filter((array) $app['config']->get('leadnod', []),
                static function ($value): bool {
                    return $value !== null;
                }));
        });
        $this->app->alias(LeadNodClient::class, 'leadnod');
    }

    public function boot(): void
    {
        if ($this->app->runningInConsole()) {
            // php artisan vendor:publish --tag=leadnod-config
            $this->publishes([self::CONFIG => $this->app->configPath('leadnod.php')], 'leadnod-config');
        }
    }

    /** @return string[] */
    public function provides(): array
    {
        return [LeadNodClient::class, 'leadnod'];
    }
}
