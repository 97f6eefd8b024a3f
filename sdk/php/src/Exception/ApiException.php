<?php

namespace LeadNod\Exception;

use LeadNod\HttpClient\Response;

/**
 * The API answered with an error status: the base of the exceptions for each kind, and thrown
 * itself for a server error (5xx) or a status without a class of its own (405, 413, 415).
 */
class ApiException extends LeadNodException
{
    private const BY_STATUS = [
        400 => InvalidRequestException::class,
        401 => AuthenticationException::class,
        403 => PermissionDeniedException::class,
        404 => NotFoundException::class,
        409 => ConflictException::class,
        422 => InvalidRequestException::class,
        429 => RateLimitException::class,
    ];

    /**
     * The exception for a non-2xx answer. Reads the API's error body
     * ({"error": {"code", "message", "param", "doc_url"}}) and the token endpoint's RFC 6749 one
     * ({"error": "invalid_client", "error_description": "..."}).
     */
    public static function fromResponse(Response $response): self
    {
        $payload = json_decode($response->body, true);
        $detail = is_array($payload) ? ($payload['error'] ?? null) : null;
        $code = $message = $param = $docUrl = null;
        if (is_array($detail)) {
            $code = self::text($detail['code'] ?? null);
            $message = self::text($detail['message'] ?? null);
            $param = self::text($detail['param'] ?? null);
            $docUrl = self::text($detail['doc_url'] ?? null);
        } elseif (is_string($detail)) {
            $code = $detail;
            $message = self::text($payload['error_description'] ?? null);
        }
        $status = $response->status;
        $message = $message ?: "The LeadNod API answered HTTP {$status}.";
        $class = self::BY_STATUS[$status] ?? self::class;
        return new $class($message, $status, $code, $param, $docUrl,
            $response->header('x-request-id'), $response->headers, $payload);
    }

    /** @param mixed $value */
    private static function text($value): ?string
    {
        return is_scalar($value) ? (string) $value : null;
    }
}
