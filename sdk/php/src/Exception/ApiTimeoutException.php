<?php

namespace LeadNod\Exception;

/** No answer within the timeout (after the retries). */
class ApiTimeoutException extends ApiConnectionException
{
}
