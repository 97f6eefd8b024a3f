<?php

namespace LeadNod\Service;

use LeadNod\LeadNodObject;

/** $client->usage: the account's API usage against its plan's limits. */
class UsageService extends AbstractService
{
    /** GET /v1/usage. */
    public function retrieve(): LeadNodObject
    {
        return $this->get('/usage');
    }
}
