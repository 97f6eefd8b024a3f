<?php

namespace LeadNod\Exception;

/** No answer: the connection failed or broke (after the retries). */
class ApiConnectionException extends LeadNodException
{
}
