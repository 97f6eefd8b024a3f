<?php

namespace LeadNod;

use LeadNod\Exception\SignatureVerificationException;

/**
 * Check that a webhook request comes from LeadNod, then read its event.
 *
 *     try {
 *         $event = \LeadNod\Webhook::constructEvent($rawBody, $signatureHeader, $secret);
 *     } catch (\LeadNod\Exception\SignatureVerificationException $e) {
 *         http_response_code(400);
 *         exit;
 *     }
 *
 * Signatures are HMAC-SHA256 keyed with the endpoint's secret exactly as shown when it was
 * created, over the raw body (file_get_contents('php://input'), before any JSON decoding):
 * - X-LeadNod-Signature: the lowercase hex HMAC of the body;
 * - webhook-signature (Standard Webhooks): "v1,<base64 HMAC of '{webhook-id}.{webhook-timestamp}.{body}'>",
 *   which also binds the timestamp: pass the request's headers (an array) and requests older
 *   than $tolerance seconds are refused, which stops replays.
 */
final class Webhook
{
    public const DEFAULT_TOLERANCE = 300;

    /**
     * True when the request is signed with $secret; throws SignatureVerificationException
     * otherwise. $signatureHeader is the X-LeadNod-Signature value, or the request's headers
     * (['Name' => 'value'] or ['name' => ['value']], as PSR-7, Laravel and Symfony give them):
     * then X-LeadNod-Signature is checked if present, else the Standard Webhooks headers, whose
     * timestamp must be within $tolerance seconds of $now (default: the clock; null skips the
     * check). Comparisons take constant time (hash_equals).
     *
     * @param string|array<string, string|string[]> $signatureHeader
     * @throws SignatureVerificationException
     */
    public static function verify(string $payload, $signatureHeader, string $secret,
                                  ?int $tolerance = self::DEFAULT_TOLERANCE, ?int $now = null): bool
    {
        if ($secret === '') {
            throw new \InvalidArgumentException("secret must be the webhook endpoint's secret");
        }
        if (is_array($signatureHeader)) {
            $headers = self::lowercase($signatureHeader);
            if (!isset($headers['x-leadnod-signature'])) {
                return self::verifyStandard($payload, $headers, $secret, $tolerance, $now);
            }
            $signatureHeader = $headers['x-leadnod-signature'];
        }
        if (!is_string($signatureHeader)) {
            throw new \InvalidArgumentException('signatureHeader must be a string or an array of headers');
        }
        $expected = hash_hmac('sha256', $payload, $secret);
        if (!hash_equals($expected, strtolower(trim($signatureHeader)))) {
            throw new SignatureVerificationException('The X-LeadNod-Signature does not match the body.');
        }
        return true;
    }

    /**
     * verify(), then the body as an event (id, type, created, api_version, environment, data).
     *
     * @param string|array<string, string|string[]> $signatureHeader
     * @throws SignatureVerificationException also for a body that is not an event
     */
    public static function constructEvent(string $payload, $signatureHeader, string $secret,
                                          ?int $tolerance = self::DEFAULT_TOLERANCE,
                                          ?int $now = null): LeadNodObject
    {
        self::verify($payload, $signatureHeader, $secret, $tolerance, $now);
        $data = json_decode($payload, false);
        if (!$data instanceof \stdClass || !isset($data->id, $data->type)) {
            throw new SignatureVerificationException('The body is not a LeadNod event.');
        }
        return LeadNodObject::constructFrom($data);
    }

    /** @param array<string, string> $headers lowercase names */
    private static function verifyStandard(string $payload, array $headers, string $secret,
                                           ?int $tolerance, ?int $now): bool
    {
        $id = $headers['webhook-id'] ?? '';
        $timestamp = $headers['webhook-timestamp'] ?? '';
        $signatures = $headers['webhook-signature'] ?? '';
        if ($id === '' || $timestamp === '' || $signatures === '') {
            throw new SignatureVerificationException(
                'Missing X-LeadNod-Signature, or webhook-id, webhook-timestamp or webhook-signature header.');
        }
        if (!ctype_digit($timestamp)) {
            throw new SignatureVerificationException('The webhook-timestamp header is not a number.');
        }
        if ($tolerance !== null) {
            $drift = abs(($now ?? time()) - (int) $timestamp);
            if ($drift > $tolerance) {
                throw new SignatureVerificationException("The webhook-timestamp is {$drift} s from now "
                    . "(over {$tolerance} s): refused as a possible replay.");
            }
        }
        $expected = base64_encode(hash_hmac('sha256', "{$id}.{$timestamp}.{$payload}", $secret, true));
        $matched = false;
        foreach (preg_split('/\s+/', trim($signatures)) ?: [] as $part) {
            $pieces = explode(',', $part, 2);
            if (count($pieces) === 2 && $pieces[0] === 'v1') {  // compare all: timing must not tell which
                $matched = hash_equals($expected, $pieces[1]) || $matched;
            }
        }
        if (!$matched) {
            throw new SignatureVerificationException('No webhook-signature matches the body.');
        }
        return true;
    }

    /**
     * @param array<string, string|string[]> $headers
     * @return array<string, string>
     */
    private static function lowercase(array $headers): array
    {
        $flat = [];
        foreach ($headers as $name => $value) {
            $flat[strtolower((string) $name)] = is_array($value) ? (string) reset($value) : (string) $value;
        }
        return $flat;
    }
}
