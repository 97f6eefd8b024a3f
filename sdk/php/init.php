<?php

// Loads every class of the SDK without Composer: require 'path/to/sdk/php/init.php';
// (With Composer, its PSR-4 autoloader does this.)

require __DIR__ . '/src/Exception/LeadNodException.php';
require __DIR__ . '/src/Exception/ApiException.php';
require __DIR__ . '/src/Exception/InvalidRequestException.php';
require __DIR__ . '/src/Exception/AuthenticationException.php';
require __DIR__ . '/src/Exception/PermissionDeniedException.php';
require __DIR__ . '/src/Exception/NotFoundException.php';
require __DIR__ . '/src/Exception/ConflictException.php';
require __DIR__ . '/src/Exception/RateLimitException.php';
require __DIR__ . '/src/Exception/ApiConnectionException.php';
require __DIR__ . '/src/Exception/ApiTimeoutException.php';
require __DIR__ . '/src/Exception/SignatureVerificationException.php';

require __DIR__ . '/src/HttpClient/Response.php';
require __DIR__ . '/src/HttpClient/ClientInterface.php';
require __DIR__ . '/src/HttpClient/CurlClient.php';
require __DIR__ . '/src/HttpClient/Psr18Client.php';

require __DIR__ . '/src/Util.php';
require __DIR__ . '/src/RetryPolicy.php';
require __DIR__ . '/src/TokenManager.php';
require __DIR__ . '/src/ApiRequestor.php';
require __DIR__ . '/src/LeadNodObject.php';
require __DIR__ . '/src/Collection.php';
require __DIR__ . '/src/Webhook.php';

require __DIR__ . '/src/Service/AbstractService.php';
require __DIR__ . '/src/Service/UsersService.php';
require __DIR__ . '/src/Service/TeamService.php';
require __DIR__ . '/src/Service/OpportunitiesService.php';
require __DIR__ . '/src/Service/EngagementsService.php';
require __DIR__ . '/src/Service/ActivitiesService.php';
require __DIR__ . '/src/Service/PaymentsService.php';
require __DIR__ . '/src/Service/EscrowService.php';
require __DIR__ . '/src/Service/DisputesService.php';
require __DIR__ . '/src/Service/MessagesService.php';
require __DIR__ . '/src/Service/ConversationsService.php';
require __DIR__ . '/src/Service/PreferencesService.php';
require __DIR__ . '/src/Service/AnalyticsService.php';
require __DIR__ . '/src/Service/ReportsService.php';
require __DIR__ . '/src/Service/ExportsService.php';
require __DIR__ . '/src/Service/WebhooksService.php';
require __DIR__ . '/src/Service/EventsService.php';
require __DIR__ . '/src/Service/UsageService.php';

require __DIR__ . '/src/LeadNodClient.php';

// The Laravel service provider extends Laravel's ServiceProvider: loaded only where Laravel is.
if (class_exists('Illuminate\Support\ServiceProvider')) {
    require __DIR__ . '/src/Laravel/LeadNodServiceProvider.php';
}
