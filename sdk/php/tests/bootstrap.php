<?php

// The tests load the SDK as a user without Composer would: through init.php. Their own helper
// classes (LeadNod\Tests\...) are autoloaded from tests/, as composer.json's autoload-dev maps.
require __DIR__ . '/../init.php';

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'LeadNod\\Tests\\', 14) === 0) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, 14)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
