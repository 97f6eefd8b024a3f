<?php

namespace LeadNod\Tests\Stack;

use LeadNod\LeadNodClient;
use PHPUnit\Framework\TestCase;

/**
 * Tests against a running local stack: LEADNOD_BASE_URL and two accounts' credentials in the
 * environment (LEADNOD_CLIENT_ID/SECRET: a client; LEADNOD_PRO_CLIENT_ID/SECRET: a sales
 * professional), as tests/with_local_stack.py sets them.
 */
abstract class StackTestCase extends TestCase
{
    protected static function env(string $name): string
    {
        $value = getenv($name);
        if ($value === false || $value === '') {
            self::fail("{$name} is not set: run the stack suite through `make sdk-php-test` "
                . '(tests/with_local_stack.py starts a local stack and sets it)');
        }
        return $value;
    }

    protected static function client(): LeadNodClient
    {
        return new LeadNodClient(['base_url' => self::env('LEADNOD_BASE_URL'),
            'client_id' => self::env('LEADNOD_CLIENT_ID'),
            'client_secret' => self::env('LEADNOD_CLIENT_SECRET')]);
    }

    protected static function pro(): LeadNodClient
    {
        return new LeadNodClient(['base_url' => self::env('LEADNOD_BASE_URL'),
            'client_id' => self::env('LEADNOD_PRO_CLIENT_ID'),
            'client_secret' => self::env('LEADNOD_PRO_CLIENT_SECRET')]);
    }

    protected static function unique(string $prefix): string
    {
        return $prefix . bin2hex(random_bytes(4));
    }
}
