<?php

namespace LeadNod\Exception;

/** 400 or 422: the request was refused as sent; getParam() names the offending field. */
class InvalidRequestException extends ApiException
{
}
