<?php

namespace LeadNod\Tests\Unit;

use PHPUnit\Framework\TestCase;

/**
 * The package must run on PHP 8.0, and no 8.0 binary is at hand: every shipped file's tokens are
 * checked against a written-down list of what PHP 8.1 and later added. (php -l on this PHP
 * checks the rest of the syntax.)
 */
final class Php80SyntaxTest extends TestCase
{
    /** Functions and classes newer than 8.0 that the runtime code might reach for. */
    private const NEWER_NAMES = [
        'array_is_list' => '8.1', 'enum_exists' => '8.1', 'fsync' => '8.1', 'fdatasync' => '8.1',
        'readonly' => '8.1', 'never' => '8.1', 'ini_parse_quantity' => '8.2',
        'memory_reset_peak_usage' => '8.2', 'curl_upkeep' => '8.2', 'json_validate' => '8.3',
        'mb_str_pad' => '8.3', 'str_increment' => '8.3', 'str_decrement' => '8.3',
        'array_find' => '8.4', 'array_find_key' => '8.4', 'array_any' => '8.4', 'array_all' => '8.4',
        'mb_trim' => '8.4', 'mb_ucfirst' => '8.4', 'mb_lcfirst' => '8.4', 'Randomizer' => '8.2',
        'Override' => '8.3', 'SensitiveParameter' => '8.2', 'UnitEnum' => '8.1', 'BackedEnum' => '8.1',
        'Fiber' => '8.1', 'ReturnTypeWillChange' => '8.1', 'AllowDynamicProperties' => '8.2',
    ];
    /** Standalone types newer than 8.0 (as a whole return or parameter type). */
    private const NEWER_STANDALONE_TYPES = ['true' => '8.2', 'false' => '8.2', 'null' => '8.2'];

    /** @return iterable<string, array{string}> */
    public function shippedFiles(): iterable
    {
        $root = realpath(__DIR__ . '/../..');
        $files = [$root . '/init.php', $root . '/config/leadnod.php', $root . '/conformance/runner.php'];
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($root . '/src',
            \FilesystemIterator::SKIP_DOTS)) as $file) {
            $files[] = $file->getPathname();
        }
        foreach ($files as $file) {
            yield substr($file, strlen($root) + 1) => [$file];
        }
    }

    /** @dataProvider shippedFiles */
    public function test_the_file_uses_nothing_newer_than_php_8_0(string $file): void
    {
        self::assertSame([], self::violations((string) file_get_contents($file)));
    }

    public function test_the_rules_catch_what_they_are_meant_to(): void
    {
        $cases = [
            'enum Status { case Open; }' => 'enum',
            'class A { public readonly int $x; }' => 'readonly',
            'class A { public function __construct(private readonly int $x) {} }' => 'readonly',
            'readonly class A {}' => 'readonly',
            'function f(): never { exit; }' => 'never',
            '$f = strlen(...);' => 'first-class callable',
            'function f(A $a = new A()) {}' => 'new in an initializer',
            'function f(A&B $x) {}' => 'intersection type',
            'function f(): A&B {}' => 'intersection type',
            '$x = 0o17;' => 'explicit octal',
            'class A { final public const X = 1; }' => 'final class constant',
            'class A { const string X = "x"; }' => 'typed class constant',
            'function f(): false { return false; }' => 'standalone false',
            'function f(): true { return true; }' => 'standalone true',
            'function f(): (A&B)|null {}' => 'DNF type',
            '$a = [...["k" => 1]];' => 'string-keyed unpacking',
            'echo A::{$name};' => 'dynamic class constant fetch',
            'class A { public private(set) int $x; }' => 'asymmetric visibility',
            'var_dump(array_is_list([]));' => 'array_is_list',
            'trait T { const X = 1; }' => 'constant in a trait',
        ];
        foreach ($cases as $code => $rule) {
            $found = implode('; ', self::violations("<?php\n" . $code));
            self::assertStringContainsString($rule, $found, $code);
        }
        self::assertSame([], self::violations("<?php\nfunction f(int|string \$a, ?A \$b = null, mixed \$c = [1, 2]): static { return \$this?->x ?? match (\$a) { 1 => 2, default => 3 }; }\n\$x = \$a & \$b; \$y = [...\$list]; \$z = \$a & B;"));
    }

    /** @return list<string> */
    private static function violations(string $source): array
    {
        $tokens = array_values(array_filter(token_get_all($source), static function ($token): bool {
            return !is_array($token) || !in_array($token[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], true);
        }));
        $found = [];
        $text = static function (int $i) use ($tokens): string {
            return $tokens[$i] ?? null ? (is_array($tokens[$i]) ? $tokens[$i][1] : $tokens[$i]) : '';
        };
        $id = static function (int $i) use ($tokens): ?int {
            return isset($tokens[$i]) && is_array($tokens[$i]) ? $tokens[$i][0] : null;
        };
        $names = [T_STRING, T_NAME_QUALIFIED, T_NAME_FULLY_QUALIFIED, T_ARRAY, T_CALLABLE, T_STATIC];
        $inParameters = 0;   // depth inside a function's parameter list
        $typeStart = false;  // the token before is where a type may begin
        $inTrait = false;
        $line = 1;
        $parametersClosedAt = -1;  // the ")" that closed the last parameter list
        $bracketStack = [];  // for string-keyed unpacking: inside [...] after ...
        $count = count($tokens);
        for ($i = 0; $i < $count; $i++) {
            $t = $text($i);
            $lower = strtolower($t);
            $line = is_array($tokens[$i]) ? $tokens[$i][2] : $line;
            $at = " (line {$line})";
            if (defined('T_ENUM') && $id($i) === T_ENUM || ($lower === 'enum' && $id($i + 1) === T_STRING && $text($i - 1) !== '->')) {
                $found[] = 'enum' . $at;
            }
            if ($lower === 'readonly' && !in_array($text($i - 1), ['->', '::', 'function'], true) && $text($i + 1) !== '(') {
                $found[] = 'readonly' . $at;
            }
            if ($t === '(' && $text($i + 1) === '...' && $text($i + 2) === ')') {
                $found[] = 'first-class callable' . $at;
            }
            if (preg_match('/^0[oO][0-7_]+$/', $t)) {
                $found[] = 'explicit octal' . $at;
            }
            if ($lower === 'final' && $id($i + 1) !== null && in_array(strtolower($text($i + 1)), ['public', 'protected', 'private', 'const'], true)
                && (strtolower($text($i + 1)) === 'const' || strtolower($text($i + 2)) === 'const')) {
                $found[] = 'final class constant' . $at;
            }
            if ($id($i) === T_CONST && in_array($id($i + 1), $names, true) && in_array($id($i + 2), $names, true)) {
                $found[] = 'typed class constant' . $at;
            }
            if ($id($i) === T_CONST && $inTrait) {
                $found[] = 'constant in a trait' . $at;
            }
            if ($id($i) === T_TRAIT) {
                $inTrait = true;
            } elseif (in_array($id($i), [T_CLASS, T_INTERFACE], true)) {
                $inTrait = false;
        $line = 1;
        $parametersClosedAt = -1;  // the ")" that closed the last parameter list
            }
            if ($t === '::' && $text($i + 1) === '{') {
                $found[] = 'dynamic class constant fetch' . $at;
            }
            if (in_array($lower, ['public', 'protected', 'private'], true) && $text($i + 1) === '(') {
                $found[] = 'asymmetric visibility' . $at;
            }
            if (in_array($id($i), [T_STRING, T_NAME_FULLY_QUALIFIED], true) && $text($i - 1) !== '->'
                && $text($i - 1) !== '::' && $text($i - 1) !== 'function') {
                $short = ltrim(substr($t, (int) strrpos('\\' . $t, '\\')), '\\');
                if (isset(self::NEWER_NAMES[$short]) && !in_array($short, ['readonly', 'never'], true)) {
                    $found[] = "{$short} (PHP " . self::NEWER_NAMES[$short] . ')' . $at;
                }
            }
            // Types: after "):" (return) or at the start of a parameter.
            if ($t === ':' && $i - 1 === $parametersClosedAt) {
                $typeStart = true;
                if (strtolower($text($i + 1)) === 'never') {
                    $found[] = 'never' . $at;
                }
                if (isset(self::NEWER_STANDALONE_TYPES[strtolower($text($i + 1))]) && in_array($text($i + 2), ['{', ';'], true)) {
                    $found[] = 'standalone ' . strtolower($text($i + 1)) . $at;
                }
                if ($text($i + 1) === '(') {
                    $found[] = 'DNF type' . $at;
                }
            }
            if ($id($i) === T_FUNCTION || $id($i) === T_FN) {
                $j = $i + 1;
                while ($j < $count && $text($j) !== '(') {
                    $j++;
                }
                $inParameters = 1;
                $i = $j;
                continue;
            }
            if ($inParameters > 0) {
                if ($t === '(') {
                    $inParameters++;
                } elseif ($t === ')') {
                    $inParameters--;
                    if ($inParameters === 0) {
                        $parametersClosedAt = $i;
                    }
                } elseif ($id($i) === T_NEW) {
                    $found[] = 'new in an initializer' . $at;
                } elseif ($t === '(' && in_array($text($i - 1), ['(', ',', '|'], true)) {
                    $found[] = 'DNF type' . $at;
                }
            }
            $ampersand = defined('T_AMPERSAND_NOT_FOLLOWED_BY_VAR_OR_VARARG')
                && $id($i) === T_AMPERSAND_NOT_FOLLOWED_BY_VAR_OR_VARARG;
            if (($ampersand || $t === '&') && in_array($id($i - 1), $names, true) && in_array($id($i + 1), $names, true)
                && ($inParameters > 0 || $typeStart) && ($id($i + 2) === T_VARIABLE || in_array($text($i + 2), ['{', ';'], true))) {
                $found[] = 'intersection type' . $at;
            }
            if ($t === '{' || $t === ';') {
                $typeStart = false;
            }
            if ($t === '[' || $t === '(') {
                $bracketStack[] = $t;
            } elseif ($t === ']' || $t === ')') {
                array_pop($bracketStack);
            }
            if ($t === '...' && end($bracketStack) === '[' && $text($i + 1) === '[') {
                // [...[ 'k' => v ]]: string keys in an unpacked literal
                $depth = 0;
                for ($j = $i + 1; $j < $count; $j++) {
                    $depth += $text($j) === '[' ? 1 : ($text($j) === ']' ? -1 : 0);
                    if ($depth === 1 && $text($j) === '=>' && $id($j - 1) === T_CONSTANT_ENCAPSED_STRING) {
                        $found[] = 'string-keyed unpacking' . $at;
                    }
                    if ($depth === 0) {
                        break;
                    }
                }
            }
        }
        return $found;
    }
}
