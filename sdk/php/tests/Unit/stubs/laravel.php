<?php

// Stand-ins for the few Laravel pieces the service provider touches (the package never
// requires Laravel): a container with singleton/alias/make, config, and the env() helper.

namespace Illuminate\Support {
    abstract class ServiceProvider
    {
        /** @var \LeadNod\Tests\Unit\FakeLaravelApp */
        protected $app;

        public function __construct($app)
        {
            $this->app = $app;
        }

        protected function mergeConfigFrom(string $path, string $key): void
        {
            $this->app['config']->set($key, array_merge(require $path, $this->app['config']->get($key, [])));
        }

        protected function publishes(array $paths, $groups = null): void
        {
            $this->app->published[$groups] = $paths;
        }
    }
}

namespace {
    if (!function_exists('env')) {
        function env(string $key, $default = null)
        {
            $value = getenv($key);
            return $value === false ? $default : $value;
        }
    }
}
