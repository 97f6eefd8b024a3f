<?php

namespace LeadNod\Tests\Unit;

use PHPUnit\Framework\TestCase;

/** composer.json's shape and PSR-4 mapping, and init.php, checked without Composer. */
final class PackageTest extends TestCase
{
    private const ROOT = __DIR__ . '/../..';

    private static function composer(): array
    {
        return json_decode((string) file_get_contents(self::ROOT . '/composer.json'), true, 512,
            JSON_THROW_ON_ERROR);
    }

    /** @return array<string, string> class => file, for every file under src/ */
    private static function sourceClasses(): array
    {
        $classes = [];
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::ROOT . '/src',
            \FilesystemIterator::SKIP_DOTS));
        foreach ($files as $file) {
            $relative = substr($file->getPathname(), strlen(self::ROOT . '/src/'));
            $classes['LeadNod\\' . str_replace('/', '\\', substr($relative, 0, -4))] = $relative;
        }
        ksort($classes);
        return $classes;
    }

    public function test_composer_json_has_the_shape_composer_validate_wants(): void
    {
        $composer = self::composer();
        self::assertSame('leadnod/sdk', $composer['name']);
        self::assertMatchesRegularExpression('/^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$/',
            $composer['name']);
        foreach (['description', 'type', 'license', 'homepage'] as $key) {
            self::assertIsString($composer[$key] ?? null, $key);
        }
        self::assertArrayNotHasKey('version', $composer, 'the version comes from the git tag');
        self::assertSame('>=8.0', $composer['require']['php']);
        foreach ($composer['require'] as $package => $constraint) {
            self::assertTrue($package === 'php' || strncmp($package, 'ext-', 4) === 0,
                "{$package}: the runtime needs PHP's own extensions only");
            self::assertTrue($package === 'php' || extension_loaded(substr($package, 4)), $package);
        }
        self::assertSame(['LeadNod\\' => 'src/'], $composer['autoload']['psr-4']);
        self::assertSame(['LeadNod\\Laravel\\LeadNodServiceProvider'], $composer['extra']['laravel']['providers']);
        self::assertArrayHasKey('LeadNod\\Laravel\\LeadNodServiceProvider', self::sourceClasses());
    }

    public function test_every_source_file_holds_the_class_its_psr4_path_names(): void
    {
        foreach (self::sourceClasses() as $class => $file) {
            $source = (string) file_get_contents(self::ROOT . '/src/' . $file);
            $namespace = substr($class, 0, (int) strrpos($class, '\\'));
            $short = substr($class, strlen($namespace) + 1);
            self::assertStringContainsString("namespace {$namespace};", $source, $file);
            self::assertMatchesRegularExpression("/^(final |abstract )?(class|interface|trait) {$short}\\b/m", $source, $file);
        }
    }

    public function test_init_php_loads_every_class_without_an_autoloader(): void
    {
        $classes = array_keys(self::sourceClasses());
        $script = 'require ' . var_export(realpath(self::ROOT . '/init.php'), true) . ';'
            . 'if (spl_autoload_functions()) { echo "an autoloader is registered"; exit(1); }'
            . 'foreach (' . var_export($classes, true) . ' as $c) {'
            . '  $laravel = strpos($c, "Laravel") !== false;'
            . '  if (class_exists($c, false) || interface_exists($c, false)) { if ($laravel) { echo "$c loaded without Laravel\n"; } }'
            . '  elseif (!$laravel) { echo "$c not loaded\n"; } }'
            . '$c = new \LeadNod\LeadNodClient(["client_id" => "c", "client_secret" => "s"]);'
            . 'echo get_class($c->payments->escrow);';
        exec(escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg($script) . ' 2>&1', $output, $status);
        self::assertSame('LeadNod\Service\EscrowService', end($output), implode("\n", $output));
    }

    public function test_the_readme_and_changelog_are_there(): void
    {
        self::assertFileExists(self::ROOT . '/README.md');
        self::assertStringContainsString('composer require leadnod/sdk', (string) file_get_contents(self::ROOT . '/README.md'));
        self::assertFileExists(self::ROOT . '/CHANGELOG.md');
    }
}
