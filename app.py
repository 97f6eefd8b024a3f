"""LeadNod API: the Chalice app. Routes live in chalicelib/api, rules in chalicelib/services."""
from chalice import Chalice

from chalicelib import middleware
from chalicelib.api import events, oauth, routing, users, webhooks
from chalicelib.consumers import webhooks as webhook_consumers

app = Chalice(app_name="leadnod")
app.api.binary_types = []  # every response is JSON text

middleware.register(app)
app.register_blueprint(routing.auth_bp)
app.register_blueprint(oauth.bp)
app.register_blueprint(users.bp)
app.register_blueprint(webhooks.bp)
app.register_blueprint(events.bp)
app.register_blueprint(webhook_consumers.bp)
routing.add_method_not_allowed_routes(app)
