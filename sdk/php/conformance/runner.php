<?php

// The PHP SDK's conformance runner: php sdk/php/conformance/runner.php <session.json>
// Runs sdk/conformance/scenarios.json with \LeadNod\LeadNodClient as sdk/conformance/README.md
// describes, one JSON line per scenario on stdout; logs go to stderr.

declare(strict_types=1);

require __DIR__ . '/../init.php';

use LeadNod\Collection;
use LeadNod\Exception;
use LeadNod\LeadNodClient;
use LeadNod\LeadNodObject;
use LeadNod\Webhook;

// operation => [the SDK method's path from the client, the arguments passed positionally
// (path parameters) in order]; the rest go in the method's $params array when it takes one.
const OPERATIONS = [
    'users.me' => ['users.me', []], 'users.update_me' => ['users.updateMe', []],
    'users.retrieve' => ['users.retrieve', ['id']], 'users.search' => ['users.search', []],
    'team.list' => ['team.all', []], 'team.add' => ['team.add', []],
    'team.update' => ['team.update', ['user_id']], 'team.remove' => ['team.remove', ['user_id']],
    'team.transfer_ownership' => ['team.transferOwnership', ['user_id']],
    'users.rotate_credentials' => ['users.rotateCredentials', []],
    'team.rotate_credentials' => ['team.rotateCredentials', ['user_id']],
    'usage.retrieve' => ['usage.retrieve', []],
    'opportunities.create' => ['opportunities.create', []],
    'opportunities.bulk_create' => ['opportunities.bulkCreate', []],
    'opportunities.list' => ['opportunities.all', []],
    'opportunities.retrieve' => ['opportunities.retrieve', ['id']],
    'opportunities.update' => ['opportunities.update', ['id']],
    'opportunities.delete' => ['opportunities.delete', ['id']],
    'opportunities.express_interest' => ['opportunities.expressInterest', ['id']],
    'opportunities.interests' => ['opportunities.interests', ['id']],
    'opportunities.matches' => ['opportunities.matches', ['id']],
    'engagements.create' => ['engagements.create', []],
    'engagements.list' => ['engagements.all', []],
    'engagements.retrieve' => ['engagements.retrieve', ['id']],
    'engagements.start' => ['engagements.start', ['id']],
    'engagements.complete' => ['engagements.complete', ['id']],
    'engagements.terminate' => ['engagements.terminate', ['id']],
    'engagements.metrics' => ['engagements.metrics', ['id']],
    'engagements.activities.log' => ['engagements.activities.log', ['engagement_id']],
    'engagements.activities.list' => ['engagements.activities.all', ['engagement_id']],
    'payments.escrow.fund' => ['payments.escrow.fund', []],
    'payments.escrow.release' => ['payments.escrow.release', []],
    'payments.escrow.refund' => ['payments.escrow.refund', []],
    'payments.escrow.dispute' => ['payments.escrow.dispute', []],
    'payments.balance' => ['payments.balance', []], 'payments.list' => ['payments.all', []],
    'payments.retrieve' => ['payments.retrieve', ['id']],
    'payments.disputes.list' => ['payments.disputes.all', []],
    'payments.disputes.retrieve' => ['payments.disputes.retrieve', ['id']],
    'payments.disputes.add_evidence' => ['payments.disputes.addEvidence', ['id']],
    'payments.disputes.accept' => ['payments.disputes.accept', ['id']],
    'messages.send' => ['messages.send', []],
    'messages.conversations.list' => ['messages.conversations.all', []],
    'messages.conversations.retrieve' => ['messages.conversations.retrieve', ['id']],
    'messages.preferences.retrieve' => ['messages.preferences.retrieve', []],
    'messages.preferences.update' => ['messages.preferences.update', []],
    'analytics.summary' => ['analytics.summary', []],
    'analytics.engagement' => ['analytics.engagement', ['engagement_id']],
    'analytics.reports.create' => ['analytics.reports.create', []],
    'analytics.reports.list' => ['analytics.reports.all', []],
    'analytics.reports.retrieve' => ['analytics.reports.retrieve', ['id']],
    'analytics.export.request' => ['analytics.export.request', []],
    'analytics.export.create' => ['analytics.export.create', []],
    'analytics.export.retrieve' => ['analytics.export.retrieve', ['id']],
    'webhooks.create' => ['webhooks.create', []], 'webhooks.list' => ['webhooks.all', []],
    'webhooks.retrieve' => ['webhooks.retrieve', ['id']],
    'webhooks.update' => ['webhooks.update', ['id']],
    'webhooks.delete' => ['webhooks.delete', ['id']],
    'webhooks.test' => ['webhooks.test', ['id']],
    'webhooks.deliveries' => ['webhooks.deliveries', ['id']],
    'webhooks.retry_delivery' => ['webhooks.retryDelivery', ['id', 'delivery_id']],
    'events.list' => ['events.all', []], 'events.retrieve' => ['events.retrieve', ['id']],
];

const ERRORS = [
    'InvalidRequestError' => Exception\InvalidRequestException::class,
    'AuthenticationError' => Exception\AuthenticationException::class,
    'PermissionDeniedError' => Exception\PermissionDeniedException::class,
    'NotFoundError' => Exception\NotFoundException::class,
    'ConflictError' => Exception\ConflictException::class,
    'RateLimitError' => Exception\RateLimitException::class,
    'APIError' => Exception\ApiException::class,  // exactly that class, not a subclass
    'APIConnectionError' => Exception\ApiConnectionException::class,
    'SignatureVerificationError' => Exception\SignatureVerificationException::class,
];

final class StepFailed extends \RuntimeException
{
}

final class Missing
{
}

/** @param mixed $value @return mixed */
function substitute($value, array $variables)
{
    $known = static function (string $name) use ($variables) {
        if (!array_key_exists($name, $variables)) {
            throw new StepFailed("unknown variable \${$name}");
        }
        return $variables[$name];
    };
    if (is_string($value)) {
        if (preg_match('/^\$(\w+)$/', $value, $m)) {
            return $known($m[1]);
        }
        return preg_replace_callback('/\$\{(\w+)\}/', static function (array $m) use ($known): string {
            $found = $known($m[1]);
            return is_scalar($found) ? (string) $found : json_encode($found);
        }, $value);
    }
    if (is_array($value)) {
        $out = [];
        foreach ($value as $key => $item) {
            $out[$key] = substitute($item, $variables);
        }
        return $out;
    }
    return $value;
}

/** @param mixed $document @return mixed the value at a dotted path, a Missing if none */
function at($document, string $path)
{
    foreach ($path === '' ? [] : explode('.', $path) as $part) {
        if (is_array($document) && array_key_exists($part, $document)) {
            $document = $document[$part];
        } elseif (is_array($document) && ctype_digit($part) && array_key_exists((int) $part, $document)) {
            $document = $document[(int) $part];
        } else {
            return new Missing();
        }
    }
    return $document;
}

/** JSON equality: numbers by value (1 == 1.0), everything else strictly. */
function same($a, $b): bool
{
    if ((is_int($a) || is_float($a)) && (is_int($b) || is_float($b))) {
        return $a == $b;
    }
    if (is_array($a) && is_array($b)) {
        if (count($a) !== count($b)) {
            return false;
        }
        foreach ($a as $key => $value) {
            if (!array_key_exists($key, $b) || !same($value, $b[$key])) {
                return false;
            }
        }
        return true;
    }
    return $a === $b;
}

function show($value): string
{
    return $value instanceof Missing ? 'nothing' : json_encode($value, JSON_UNESCAPED_SLASHES);
}

function mismatch($document, array $fields): ?string
{
    foreach ($fields as $path => $expected) {
        $found = at($document, (string) $path);
        if (!same($found instanceof Missing ? null : $found, $expected)) {
            return "{$path}: expected " . show($expected) . ', got ' . show($found);
        }
    }
    return null;
}

/** @param mixed $answer @return mixed the answer's JSON form, as arrays */
function as_json($answer)
{
    if ($answer instanceof Collection) {
        return ['data' => array_map('as_json', $answer->data), 'has_more' => $answer->has_more];
    }
    return $answer instanceof LeadNodObject ? $answer->toArray() : $answer;
}

function check_answer($answer, array $expect): void
{
    $problems = [];
    if (isset($expect['fields'])) {
        $problems[] = mismatch($answer, $expect['fields']);
    }
    foreach ($expect['present'] ?? [] as $path) {
        $found = at($answer, $path);
        if ($found instanceof Missing || $found === null) {
            $problems[] = "{$path}: expected a value, got none";
        }
    }
    foreach ($expect['length'] ?? [] as $path => $length) {
        $found = at($answer, (string) $path);
        if (!is_array($found) || count($found) !== $length) {
            $problems[] = "{$path}: expected {$length} items, got "
                . (is_array($found) ? count($found) : 'no array');
        }
    }
    if (array_key_exists('result', $expect) && !same($answer, $expect['result'])) {
        $problems[] = 'expected the answer ' . show($expect['result']) . ', got ' . show($answer);
    }
    $problems = array_filter($problems);
    if ($problems) {
        throw new StepFailed(implode('; ', $problems));
    }
}

function check_items(array $items, array $expect): void
{
    if (isset($expect['count']) && count($items) !== $expect['count']) {
        throw new StepFailed("expected {$expect['count']} items, got " . count($items));
    }
    if (isset($expect['min_count']) && count($items) < $expect['min_count']) {
        throw new StepFailed("expected at least {$expect['min_count']} items, got " . count($items));
    }
    foreach ($expect['contains'] ?? [] as $wanted) {
        $found = array_filter($items, static function ($item) use ($wanted): bool {
            return mismatch($item, $wanted) === null;
        });
        if (!$found) {
            throw new StepFailed('no item has ' . show($wanted) . ' among ' . count($items));
        }
    }
    foreach (isset($expect['every']) ? $items : [] as $item) {
        if (($why = mismatch($item, $expect['every'])) !== null) {
            throw new StepFailed("an item differs: {$why}");
        }
    }
}

function check_error(\Throwable $error, array $expect): void
{
    $kind = $expect['error'];
    $class = ERRORS[$kind] ?? null;
    $matches = $kind === 'APIError' ? get_class($error) === $class : $error instanceof $class;
    if (!$matches) {
        throw new StepFailed("expected {$kind}, got " . get_class($error) . ': ' . $error->getMessage());
    }
    $actual = $error instanceof Exception\LeadNodException ? [
        'status' => $error->getStatus(), 'code' => $error->getErrorCode(), 'param' => $error->getParam(),
    ] : [];
    foreach (['status', 'code', 'param'] as $name) {
        if (array_key_exists($name, $expect) && !same($actual[$name] ?? null, $expect[$name])) {
            throw new StepFailed("{$kind}.{$name}: expected " . show($expect[$name]) . ', got '
                . show($actual[$name] ?? null));
        }
    }
}

/** A control request, with PHP's own streams (not the SDK). */
function control(string $url, array $body): void
{
    $context = stream_context_create(['http' => [
        'method' => 'POST', 'header' => "Content-Type: application/json\r\n",
        'content' => json_encode($body, JSON_UNESCAPED_SLASHES), 'timeout' => 30, 'ignore_errors' => true,
    ]]);
    $answer = @file_get_contents($url, false, $context);
    $result = $answer === false ? null : json_decode($answer, true);
    if (!is_array($result) || empty($result['ok'])) {
        throw new StepFailed($result['detail'] ?? 'the proxy said no' . ($answer === false ? ' (no answer)' : ''));
    }
}

final class Scenario
{
    private array $session;
    private array $scenario;
    private array $variables;
    /** @var array<string, LeadNodClient> */
    private array $clients = [];

    public function __construct(array $session, array $scenario)
    {
        $this->session = $session;
        $this->scenario = $scenario;
        $this->variables = $session['vars'] ?? [];
        $this->variables['run'] = bin2hex(random_bytes(5));
    }

    private function client($who): LeadNodClient
    {
        $account = is_string($who) ? $this->session['accounts'][$who] : $who;
        $key = $account['client_id'] . "\n" . $account['client_secret'];
        return $this->clients[$key] ??= new LeadNodClient([
            'client_id' => $account['client_id'], 'client_secret' => $account['client_secret'],
            'base_url' => $this->session['base_url'], 'max_retries' => 2, 'timeout' => 30,
        ]);
    }

    /** @return mixed */
    private function invoke(array $step, string $name)
    {
        if (!isset(OPERATIONS[$name])) {
            throw new StepFailed("unknown operation {$name}");
        }
        [$path, $ids] = OPERATIONS[$name];
        $target = $this->client($step['as'] ?? 'client');
        $parts = explode('.', $path);
        $method = array_pop($parts);
        foreach ($parts as $property) {
            $target = $target->{$property};
        }
        $args = $step['args'] ?? [];
        $positional = [];
        foreach ($ids as $id) {
            $positional[] = $args[$id];
            unset($args[$id]);
        }
        $parameters = (new \ReflectionMethod($target, $method))->getParameters();
        $takesParams = isset($parameters[count($ids)]) && $parameters[count($ids)]->getName() === 'params';
        if ($takesParams) {
            $positional[] = $args;
        } elseif ($args) {
            throw new StepFailed("{$name} takes no arguments besides " . implode(', ', $ids)
                . ', got ' . implode(', ', array_keys($args)));
        }
        return $target->{$method}(...$positional);
    }

    private function call(array $step): void
    {
        $expect = $step['expect'] ?? [];
        $deadline = microtime(true) + ($step['poll_ms'] ?? 0) / 1000;
        while (true) {
            try {
                $this->callOnce($step, $expect);
                return;
            } catch (StepFailed $failure) {
                if (microtime(true) >= $deadline) {
                    throw $failure;
                }
                usleep(300000);
            }
        }
    }

    private function callOnce(array $step, array $expect): void
    {
        try {
            $answer = as_json($this->invoke($step, $step['call']));
        } catch (Exception\LeadNodException $error) {
            if (!isset($expect['error'])) {
                throw new StepFailed(get_class($error) . " {$error->getStatus()} {$error->getErrorCode()}: "
                    . $error->getMessage());
            }
            check_error($error, $expect);
            return;
        }
        if (isset($expect['error'])) {
            throw new StepFailed("expected {$expect['error']}, got an answer: " . show($answer));
        }
        check_answer($answer, $expect);
        foreach ($step['save'] ?? [] as $variable => $path) {
            $value = at($answer, $path);
            if ($value instanceof Missing) {
                throw new StepFailed("save {$variable}: nothing at {$path}");
            }
            $this->variables[$variable] = $value;
        }
    }

    private function paginate(array $step): void
    {
        $items = [];
        foreach ($this->invoke($step, $step['paginate'])->autoPagingIterator() as $item) {
            $items[] = as_json($item);
        }
        check_items($items, $step['expect'] ?? []);
    }

    private function verifyWebhook(array $step): void
    {
        $sample = $this->session['webhooks'][$step['verify_webhook']];
        $body = $sample['body'];
        $secret = $sample['secret'];
        $signature = $sample['headers']['x-leadnod-signature'];
        switch ($step['tamper'] ?? null) {
            case 'body':
                $body .= ' ';
                break;
            case 'secret':
                $secret .= 'x';
                break;
            case 'signature':
                $signature = substr($signature, 0, -1) . (substr($signature, -1) === '0' ? '1' : '0');
                break;
        }
        $expect = $step['expect'];
        try {
            $result = Webhook::verify($body, $signature, $secret);
        } catch (Exception\SignatureVerificationException $error) {
            if (!isset($expect['error'])) {
                throw new StepFailed('verify threw ' . $error->getMessage());
            }
            check_error($error, $expect);
            return;
        }
        if (isset($expect['error']) || $result !== ($expect['result'] ?? true)) {
            throw new StepFailed('verify answered ' . show($result) . ', expected ' . show($expect));
        }
    }

    public function run(): array
    {
        $name = $this->scenario['name'];
        $steps = $this->scenario['steps'];
        $index = 0;
        try {
            control($this->session['control_url'], ['begin' => $name]);
            foreach ($steps as $index => $raw) {
                $step = substitute($raw, $this->variables);
                if (isset($step['call'])) {
                    $this->call($step);
                } elseif (isset($step['paginate'])) {
                    $this->paginate($step);
                } elseif (isset($step['verify_webhook'])) {
                    $this->verifyWebhook($step);
                } elseif (isset($step['fault']) || isset($step['assert_requests'])) {
                    control($this->session['control_url'], $step);
                } else {
                    throw new StepFailed('unknown step ' . implode(', ', array_keys($step)));
                }
            }
            $index = count($steps);
            control($this->session['control_url'], ['end' => $name]);
        } catch (StepFailed $failure) {
            return ['scenario' => $name, 'ok' => false, 'step' => $index, 'detail' => $failure->getMessage()];
        } catch (\Throwable $crash) {  // a crash is this scenario's failure, not the run's
            fwrite(STDERR, (string) $crash . "\n");
            return ['scenario' => $name, 'ok' => false, 'step' => $index,
                'detail' => get_class($crash) . ': ' . $crash->getMessage()];
        }
        return ['scenario' => $name, 'ok' => true];
    }
}

function main(string $sessionPath): int
{
    $session = json_decode((string) file_get_contents($sessionPath), true, 512, JSON_THROW_ON_ERROR);
    $scenarios = json_decode((string) file_get_contents($session['scenarios']), true, 512, JSON_THROW_ON_ERROR);
    $only = $session['only'] ?? null;
    $passed = true;
    foreach ($scenarios as $scenario) {
        if ($only && !in_array($scenario['name'], $only, true)) {
            continue;
        }
        $result = (new Scenario($session, $scenario))->run();
        $passed = $passed && $result['ok'];
        echo json_encode($result, JSON_UNESCAPED_SLASHES), "\n";
        fflush(STDOUT);
    }
    return $passed ? 0 : 1;
}

exit(main($argv[1] ?? ''));
