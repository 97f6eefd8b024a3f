"""LeadNod API: the Chalice app. Routes live in chalicelib/api (registered from its routes.json,
each module imported on its route's first request: chalicelib/api/lazy_routes.py), rules in
chalicelib/services, event-source handlers (queues, the table stream) in chalicelib/consumers."""
from chalice import Chalice

from chalicelib import middleware
from chalicelib.api import dashboard, lazy_routes, meta, routing
from chalicelib.consumers import analytics as analytics_consumers
from chalicelib.consumers import matching as matching_consumers
from chalicelib.consumers import payments as payment_consumers
from chalicelib.consumers import stream as stream_consumers
from chalicelib.consumers import webhooks as webhook_consumers

app = Chalice(app_name="leadnod")
app.api.binary_types = []  # every response is JSON text

middleware.register(app)
app.register_blueprint(routing.auth_bp)
lazy_routes.register(app)
app.register_blueprint(matching_consumers.bp)
app.register_blueprint(payment_consumers.bp)
app.register_blueprint(stream_consumers.bp)
app.register_blueprint(analytics_consumers.bp)
app.register_blueprint(webhook_consumers.bp)
app.register_blueprint(meta.bp)
app.register_blueprint(dashboard.bp)  # the developer dashboard page (docs/dashboard.md)
routing.finalize_routes(app)  # last: needs every route
