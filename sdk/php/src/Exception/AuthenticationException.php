<?php

namespace LeadNod\Exception;

/** 401: the client credentials were refused, or the access token was (even after fetching a new one). */
class AuthenticationException extends ApiException
{
}
