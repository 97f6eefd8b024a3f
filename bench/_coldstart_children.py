"""The code each cold-start child runs (bench/coldstart.py): the minimal app, the libraries'
floor, and our app as Lambda runs it. Each is a `python -c` script formatted with `path` (the
app's directory) and, for first requests, the moto server's `table`, an access `token` and the
answer's `status` expression."""
from __future__ import annotations

MINIMAL_APP = """
from chalice import Chalice
import boto3
app = Chalice(app_name="minimal")
dynamodb = boto3.client("dynamodb", region_name="us-east-1")

@app.route("/")
def index():
    return {"hello": "world"}
"""
# The libraries the design names, which a cold authenticated request loads whatever the app's
# own code does (pydantic at every edge, Powertools' logger and metrics, pyjwt for RS256 with
# cryptography under it), over the minimal app: what is left of the 1.3x for the app itself.
FLOOR_APP = MINIMAL_APP.replace("import boto3", """import boto3
from aws_lambda_powertools import Logger, Metrics
from pydantic import BaseModel


class Profile(BaseModel):
    id: str


logger = Logger(service="floor")
metrics = Metrics(namespace="Floor", service="floor")""")
IMPORT_ONLY = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
sys.path.insert(0, {path!r})
import app
print(json.dumps({{"total": time.perf_counter() - started, "moto": 0.0,
                   "cpu": time.process_time() - cpu, "status": 200}}))
"""
# Both children: the clock starts before anything is imported; time inside botocore's sends
# (the moto server answering) is summed apart.
_PRELUDE = """
import json, sys, time
started, cpu = time.perf_counter(), time.process_time()
sys.path.insert(0, {path!r})
import botocore.endpoint
waiting = [0.0]
_send = botocore.endpoint.Endpoint._send
def _timed_send(self, request):
    t = time.perf_counter()
    try:
        return _send(self, request)
    finally:
        waiting[0] += time.perf_counter() - t
botocore.endpoint.Endpoint._send = _timed_send
"""
_REPORT = """
print(json.dumps({{"total": time.perf_counter() - started, "moto": waiting[0],
                   "cpu": time.process_time() - cpu, "status": {status}}}))
"""
OURS_FIRST_REQUEST = _PRELUDE + """
import app
from types import SimpleNamespace
from chalicelib.api import routing
context = SimpleNamespace(function_name="api_handler", function_version="$LATEST",
    memory_limit_in_mb=512, aws_request_id="cold-1", log_group_name="/aws/lambda/api",
    log_stream_name="cold", get_remaining_time_in_millis=lambda: 25000,
    invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:api_handler")
token = {token!r}
policy = routing.oauth_bearer({{"type": "TOKEN", "authorizationToken": "Bearer " + token,
    "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/api/GET/v1/users/me"}},
    context)
answer = app.app({{"resource": "/v1/users/me", "path": "/v1/users/me", "httpMethod": "GET",
    "headers": {{"Authorization": "Bearer " + token, "Host": "abc123.execute-api"}},
    "multiValueHeaders": None, "queryStringParameters": None,
    "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
    "body": None, "isBase64Encoded": False,
    "requestContext": {{"resourcePath": "/v1/users/me", "httpMethod": "GET", "stage": "api",
        "requestId": "cold-1", "identity": {{"sourceIp": "127.0.0.1"}},
        "authorizer": {{**policy["context"], "principalId": policy["principalId"]}}}}}},
    context)
""" + _REPORT
MINIMAL_FIRST_REQUEST = _PRELUDE + """
import app
app.dynamodb.get_item(TableName={table!r}, Key={{"PK": {{"S": "USER#nobody"}},
                                                "SK": {{"S": "PROFILE"}}}})
""" + _REPORT
FLOOR_FIRST_REQUEST = MINIMAL_FIRST_REQUEST.replace("import app\n", """import app
import jwt
app.Profile.model_validate({{"id": "usr_1"}}).model_dump_json()
""")

# The two functions apart, as Lambda runs them (Chalice deploys the authorizer as a function of
# its own): the API handler with the context the authorizer answered (`policy`), and the
# authorizer alone.
API_ONLY_FIRST_REQUEST = OURS_FIRST_REQUEST.replace(
    """policy = routing.oauth_bearer({{"type": "TOKEN", "authorizationToken": "Bearer " + token,
    "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/api/GET/v1/users/me"}},
    context)""", "policy = {policy!r}")
AUTHORIZER_ONLY = OURS_FIRST_REQUEST.split("answer = app.app(")[0] + (
    "answer = {{'statusCode': 200 if policy['policyDocument'] else 500}}\n") + _REPORT
assert API_ONLY_FIRST_REQUEST != OURS_FIRST_REQUEST
