<?php

// Stand-ins for the PSR-18 and PSR-17 interfaces, with only the methods the SDK calls.

namespace Psr\Http\Message {
    interface RequestInterface
    {
        public function withHeader($name, $value);

        public function withBody(StreamInterface $body);
    }

    interface StreamInterface
    {
        public function __toString();
    }

    interface ResponseInterface
    {
        public function getStatusCode();

        public function getHeaders();

        public function getBody();
    }

    interface RequestFactoryInterface
    {
        public function createRequest(string $method, $uri): RequestInterface;
    }

    interface StreamFactoryInterface
    {
        public function createStream(string $content = ''): StreamInterface;
    }
}

namespace Psr\Http\Client {
    interface ClientInterface
    {
        public function sendRequest(\Psr\Http\Message\RequestInterface $request): \Psr\Http\Message\ResponseInterface;
    }

    interface ClientExceptionInterface extends \Throwable
    {
    }
}

namespace LeadNod\Tests\Unit\Stubs {
    use Psr\Http\Message;

    final class Stream implements Message\StreamInterface
    {
        public string $text;

        public function __construct(string $text)
        {
            $this->text = $text;
        }

        public function __toString()
        {
            return $this->text;
        }
    }

    final class Request implements Message\RequestInterface
    {
        public string $method;
        public string $uri;
        public array $headers = [];
        public string $body = '';

        public function __construct(string $method, string $uri)
        {
            $this->method = $method;
            $this->uri = $uri;
        }

        public function withHeader($name, $value)
        {
            $copy = clone $this;
            $copy->headers[$name] = $value;
            return $copy;
        }

        public function withBody(Message\StreamInterface $body)
        {
            $copy = clone $this;
            $copy->body = (string) $body;
            return $copy;
        }
    }

    final class Response implements Message\ResponseInterface
    {
        private int $status;
        private string $body;

        public function __construct(int $status, string $body)
        {
            $this->status = $status;
            $this->body = $body;
        }

        public function getStatusCode()
        {
            return $this->status;
        }

        public function getHeaders()
        {
            return ['Content-Type' => ['application/json']];
        }

        public function getBody()
        {
            return new Stream($this->body);
        }
    }

    final class Factory implements Message\RequestFactoryInterface, Message\StreamFactoryInterface
    {
        public function createRequest(string $method, $uri): Message\RequestInterface
        {
            return new Request($method, (string) $uri);
        }

        public function createStream(string $content = ''): Message\StreamInterface
        {
            return new Stream($content);
        }
    }

    final class RecordingPsr18Client implements \Psr\Http\Client\ClientInterface
    {
        public array $sent = [];

        public function sendRequest(Message\RequestInterface $request): Message\ResponseInterface
        {
            $this->sent[] = $request;
            return substr($request->uri, -12) === '/oauth/token'
                ? new Response(200, '{"access_token":"tok_psr","expires_in":3600}')
                : new Response(201, '{"id":"opp_psr"}');
        }
    }
}
