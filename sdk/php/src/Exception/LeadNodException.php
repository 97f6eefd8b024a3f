<?php

namespace LeadNod\Exception;

/**
 * The base of every exception this SDK throws; thrown itself for a client built without
 * credentials. Every subclass carries what the API said: getStatus() (HTTP status),
 * getErrorCode() (the API's code, e.g. "invalid_parameter"), getMessage(), getParam(),
 * getDocUrl() and getRequestId() (the X-Request-Id to quote to support).
 *
 * PHP's own getCode() is the HTTP status as an int (0 when there was no answer).
 */
class LeadNodException extends \Exception
{
    protected ?int $status;
    protected ?string $errorCode;
    protected ?string $param;
    protected ?string $docUrl;
    protected ?string $requestId;
    /** @var array<string, string> lowercase names */
    protected array $headers;
    /** @var mixed the decoded JSON body of the error answer, null without one */
    protected $body;

    /**
     * @param array<string, string> $headers
     * @param mixed $body
     */
    public function __construct(
        string $message,
        ?int $status = null,
        ?string $errorCode = null,
        ?string $param = null,
        ?string $docUrl = null,
        ?string $requestId = null,
        array $headers = [],
        $body = null,
        ?\Throwable $previous = null
    ) {
        parent::__construct($message, $status ?? 0, $previous);
        $this->status = $status;
        $this->errorCode = $errorCode;
        $this->param = $param;
        $this->docUrl = $docUrl;
        $this->requestId = $requestId;
        $this->headers = $headers;
        $this->body = $body;
    }

    public function getStatus(): ?int
    {
        return $this->status;
    }

    /** The API's error code ("invalid_parameter", "insufficient_role", ...). */
    public function getErrorCode(): ?string
    {
        return $this->errorCode;
    }

    public function getParam(): ?string
    {
        return $this->param;
    }

    public function getDocUrl(): ?string
    {
        return $this->docUrl;
    }

    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    /** @return array<string, string> the answer's headers, names in lowercase */
    public function getHeaders(): array
    {
        return $this->headers;
    }

    /** @return mixed the decoded JSON body (an array), null when there was none */
    public function getBody()
    {
        return $this->body;
    }

    public function __toString(): string
    {
        $details = [];
        foreach (['status' => $this->status, 'code' => $this->errorCode, 'param' => $this->param,
                  'request id' => $this->requestId] as $name => $value) {
            if ($value !== null) {
                $details[] = $name . ' ' . $value;
            }
        }
        $text = static::class . ': ' . $this->getMessage();
        return $details ? $text . ' (' . implode(', ', $details) . ')' : $text;
    }
}
