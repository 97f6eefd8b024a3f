<?php

// Laravel's config/leadnod.php (php artisan vendor:publish --tag=leadnod-config): the options
// of new \LeadNod\LeadNodClient([...]); a null one falls back to the SDK's default.

return [
    'client_id' => env('LEADNOD_CLIENT_ID'),
    'client_secret' => env('LEADNOD_CLIENT_SECRET'),
    // Any base URL (e.g. http://127.0.0.1:8000 for the local stack), else the environment's.
    'base_url' => env('LEADNOD_BASE_URL'),
    'environment' => env('LEADNOD_ENVIRONMENT', 'production'),
    'timeout' => env('LEADNOD_TIMEOUT', 30),
    'max_retries' => env('LEADNOD_MAX_RETRIES', 2),
];
