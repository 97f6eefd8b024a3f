<?php

namespace LeadNod\Exception;

/** A webhook request whose signature does not match its body and your endpoint's secret. */
class SignatureVerificationException extends LeadNodException
{
}
