<?php

namespace LeadNod\Exception;

/** 409: the object's state does not allow this (an engagement already active, ...). */
class ConflictException extends ApiException
{
}
