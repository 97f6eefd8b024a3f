<?php

namespace LeadNod\Exception;

/** 404: no such object, or one the account is not a party to (never revealed which). */
class NotFoundException extends ApiException
{
}
