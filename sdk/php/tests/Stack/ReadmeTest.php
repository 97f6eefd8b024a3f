<?php

namespace LeadNod\Tests\Stack;

/**
 * The README's PHP blocks, run in order as one script by a PHP process that loads the SDK only
 * through init.php (no Composer, no autoloader), against the local stack: the docs' examples.
 */
final class ReadmeTest extends StackTestCase
{
    private const README = __DIR__ . '/../../README.md';
    /** Blocks that need packages this repository does not have (PSR-18 implementations). */
    private const NOT_RUN = ['Nyholm'];

    public function test_the_readme_runs_as_written(): void
    {
        self::env('LEADNOD_PRO_CLIENT_ID');
        preg_match_all('/```php\n(.*?)```/s', (string) file_get_contents(self::README), $blocks);
        self::assertGreaterThanOrEqual(10, count($blocks[1]));
        $script = "<?php\n";
        foreach ($blocks[1] as $number => $block) {
            foreach (self::NOT_RUN as $marker) {
                if (strpos($block, $marker) !== false) {
                    continue 2;
                }
            }
            $script .= "\n// README php block " . ($number + 1) . "\n" . $block;
        }
        $body = '{"id":"evt_1","type":"engagement.created","created":"2024-03-15T14:30:00Z","data":{"status":"pending"}}';
        $signature = hash_hmac('sha256', $body, 'your_webhook_secret');
        $script .= "\n\$good = handle_leadnod_webhook(" . var_export($body, true) . ', '
            . var_export($signature, true) . ");\n\$tampered = handle_leadnod_webhook("
            . var_export($body . ' ', true) . ', ' . var_export($signature, true) . ");\n"
            . "echo \"webhook \$good \$tampered\\n\";\n";
        // The first block requires __DIR__ . '/sdk/php/init.php': the script's folder gets an sdk link.
        $dir = sys_get_temp_dir() . '/leadnod-readme-' . bin2hex(random_bytes(4));
        mkdir($dir);
        symlink(realpath(__DIR__ . '/../../..'), $dir . '/sdk');
        file_put_contents($dir . '/readme.php', $script);
        try {
            exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($dir . '/readme.php') . ' 2>&1', $output, $status);
        } finally {
            unlink($dir . '/readme.php');
            unlink($dir . '/sdk');
            rmdir($dir);
        }
        $printed = implode("\n", $output);
        self::assertSame(0, $status, $printed);
        foreach (['Signed in as', '400 invalid_parameter email',
                  "The 'email' field must be a valid email address.",
                  'https://docs.leadnod.com/errors/invalid_parameter', '1 4800000 480000',
                  'succeeded', '10000 4000 6000', 'evt_1 engagement.created',
                  'engagement.created,payment.received', 'no such opportunity',
                  '403 insufficient_role', 'Jordan Lee member', 'webhook 200 400',
                  'Enterprise Account Executive'] as $expected) {
            self::assertStringContainsString($expected, $printed);
        }
        self::assertStringNotContainsString('Warning', $printed);
        self::assertStringNotContainsString('Deprecated', $printed);
    }
}
