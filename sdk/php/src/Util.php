<?php

namespace LeadNod;

/** How arguments become URLs. */
final class Util
{
    /**
     * "?a=1&b=x,y" from ['a' => 1, 'b' => ['x', 'y']]: nulls left out, lists comma-joined,
     * booleans as true/false, dates as ISO 8601; "" when nothing is left.
     *
     * @param array<string, mixed> $params
     */
    public static function queryString(array $params): string
    {
        $pairs = [];
        foreach ($params as $name => $value) {
            if ($value !== null) {
                $pairs[] = rawurlencode((string) $name) . '=' . rawurlencode(self::text($value));
            }
        }
        return $pairs ? '?' . implode('&', $pairs) : '';
    }

    /** An object id for a URL path: refuses empty ids, which would change the route. */
    public static function pathId(string $id, string $name): string
    {
        if (trim($id) === '') {
            throw new \InvalidArgumentException("'{$name}' must be a non-empty string");
        }
        return rawurlencode($id);
    }

    /** @param mixed $value */
    private static function text($value): string
    {
        if (is_bool($value)) {
            return $value ? 'true' : 'false';
        }
        if ($value instanceof \DateTimeInterface) {
            return $value->format(\DateTimeInterface::ATOM);
        }
        if (is_array($value)) {
            return implode(',', array_map([self::class, 'text'], $value));
        }
        return (string) $value;
    }
}
