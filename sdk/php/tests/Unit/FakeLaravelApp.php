<?php

namespace LeadNod\Tests\Unit;

/** A container as small as the provider needs: config, singleton, alias, make. */
final class FakeLaravelApp implements \ArrayAccess
{
    public array $published = [];
    private array $bindings = [];
    private array $instances = [];
    private array $aliases = [];
    private object $config;

    public function __construct(array $config)
    {
        $this->config = new class($config) {
            private array $values;

            public function __construct(array $values)
            {
                $this->values = $values;
            }

            public function get(string $key, $default = null)
            {
                return $this->values[$key] ?? $default;
            }

            public function set(string $key, $value): void
            {
                $this->values[$key] = $value;
            }
        };
    }

    public function singleton(string $name, \Closure $factory): void
    {
        $this->bindings[$name] = $factory;
    }

    public function alias(string $name, string $alias): void
    {
        $this->aliases[$alias] = $name;
    }

    public function make(string $name)
    {
        $name = $this->aliases[$name] ?? $name;
        return $this->instances[$name] ??= ($this->bindings[$name])($this);
    }

    public function runningInConsole(): bool
    {
        return true;
    }

    public function configPath(string $path = ''): string
    {
        return '/app/config/' . $path;
    }

    public function offsetExists(mixed $offset): bool
    {
        return $offset === 'config';
    }

    public function offsetGet(mixed $offset): mixed
    {
        return $offset === 'config' ? $this->config : $this->make($offset);
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
    }

    public function offsetUnset(mixed $offset): void
    {
    }
}
