<?php

namespace LeadNod\Exception;

/** 403: the token lacks the scope, or the account may not do this to the object (insufficient_role, owner_protected). */
class PermissionDeniedException extends ApiException
{
}
