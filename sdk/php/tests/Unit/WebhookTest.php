<?php

namespace LeadNod\Tests\Unit;

use LeadNod\Exception\SignatureVerificationException;
use LeadNod\Webhook;
use PHPUnit\Framework\TestCase;

final class WebhookTest extends TestCase
{
    private const BODY = '{"id":"evt_1","type":"engagement.created","created":"2024-03-15T14:30:00Z","data":{"status":"pending"}}';
    private const SECRET = 'whsec_test';

    public function test_a_matching_signature_verifies(): void
    {
        $signature = hash_hmac('sha256', self::BODY, self::SECRET);
        self::assertTrue(Webhook::verify(self::BODY, $signature, self::SECRET));
        self::assertTrue(Webhook::verify(self::BODY, ['X-LeadNod-Signature' => [strtoupper($signature)]], self::SECRET));
        $event = Webhook::constructEvent(self::BODY, $signature, self::SECRET);
        self::assertSame('engagement.created', $event->type);
        self::assertSame('pending', $event->data->status);
    }

    /** @return iterable<string, array{string, string, string}> */
    public function tampered(): iterable
    {
        $signature = hash_hmac('sha256', self::BODY, self::SECRET);
        yield 'body' => [self::BODY . ' ', $signature, self::SECRET];
        yield 'secret' => [self::BODY, $signature, self::SECRET . 'x'];
        yield 'signature' => [self::BODY, substr($signature, 0, -1) . ($signature[-1] === '0' ? '1' : '0'), self::SECRET];
        yield 'empty signature' => [self::BODY, '', self::SECRET];
    }

    /** @dataProvider tampered */
    public function test_anything_tampered_is_refused(string $body, string $signature, string $secret): void
    {
        $this->expectException(SignatureVerificationException::class);
        Webhook::verify($body, $signature, $secret);
    }

    public function test_standard_webhooks_headers_verify_within_the_tolerance(): void
    {
        $now = 1767225600;
        $signed = base64_encode(hash_hmac('sha256', "msg_1.{$now}." . self::BODY, self::SECRET, true));
        $headers = ['webhook-id' => 'msg_1', 'webhook-timestamp' => (string) $now,
            'webhook-signature' => "v1,bm90IGl0 v1,{$signed}"];
        self::assertTrue(Webhook::verify(self::BODY, $headers, self::SECRET, 300, $now + 10));
        $this->expectException(SignatureVerificationException::class);
        Webhook::verify(self::BODY, $headers, self::SECRET, 300, $now + 301);
    }

    public function test_a_body_that_is_not_an_event_is_refused(): void
    {
        $this->expectException(SignatureVerificationException::class);
        Webhook::constructEvent('[1]', hash_hmac('sha256', '[1]', self::SECRET), self::SECRET);
    }
}
