<?php

namespace LeadNod;

/**
 * An object the API answered: its fields as properties ($user->email) and as array keys
 * ($user['email']), nested objects as LeadNodObjects, lists as arrays. Fields keep the API's
 * snake_case names; fields a newer API adds are there too, and a field the answer lacks reads
 * as null, so an older SDK keeps working with a newer API.
 *
 * @implements \ArrayAccess<string, mixed>
 * @implements \IteratorAggregate<string, mixed>
 */
class LeadNodObject implements \ArrayAccess, \Countable, \IteratorAggregate, \JsonSerializable
{
    /** @var array<string, mixed> */
    protected array $values = [];

    /** @param array<string, mixed> $values */
    public function __construct(array $values = [])
    {
        $this->values = $values;
    }

    /** The decoded JSON (json_decode without assoc: objects are \stdClass) as LeadNodObjects. */
    public static function constructFrom(\stdClass $data): static
    {
        $object = new static();
        foreach (get_object_vars($data) as $name => $value) {
            $object->values[(string) $name] = self::convert($value);
        }
        return $object;
    }

    /**
     * @param mixed $value
     * @return mixed
     */
    protected static function convert($value)
    {
        if ($value instanceof \stdClass) {
            return LeadNodObject::constructFrom($value);  // not self::, which would forward static
        }
        if (is_array($value)) {
            return array_map([self::class, 'convert'], $value);
        }
        return $value;
    }

    /** @return mixed */
    public function __get(string $name)
    {
        return $this->values[$name] ?? null;
    }

    /** @param mixed $value */
    public function __set(string $name, $value): void
    {
        $this->values[$name] = $value;
    }

    public function __isset(string $name): bool
    {
        return isset($this->values[$name]);
    }

    public function __unset(string $name): void
    {
        unset($this->values[$name]);
    }

    public function offsetExists(mixed $offset): bool
    {
        return isset($this->values[$offset]);
    }

    public function offsetGet(mixed $offset): mixed
    {
        return $this->values[$offset] ?? null;
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        $this->values[(string) $offset] = $value;
    }

    public function offsetUnset(mixed $offset): void
    {
        unset($this->values[$offset]);
    }

    public function count(): int
    {
        return count($this->values);
    }

    /** @return \ArrayIterator<string, mixed> the fields */
    public function getIterator(): \Traversable
    {
        return new \ArrayIterator($this->values);
    }

    /** @return string[] the names of the fields the API answered */
    public function keys(): array
    {
        return array_keys($this->values);
    }

    /** @return array<string, mixed> the fields as plain arrays, recursively */
    public function toArray(): array
    {
        return self::plain($this->values);
    }

    /**
     * @param mixed $value
     * @return mixed
     */
    private static function plain($value)
    {
        if ($value instanceof self) {
            return $value->toArray();
        }
        if (is_array($value)) {
            return array_map([self::class, 'plain'], $value);
        }
        return $value;
    }

    public function jsonSerialize(): mixed
    {
        return $this->values === [] ? new \stdClass() : $this->values;
    }

    /** The object as JSON, as the API answered it. */
    public function toJson(int $flags = JSON_PRETTY_PRINT): string
    {
        return (string) json_encode($this, $flags | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return $this->values;
    }
}
