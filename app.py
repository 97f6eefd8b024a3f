"""LeadNod API: the Chalice app. Routes live in chalicelib/api, rules in chalicelib/services,
event-source handlers (queues, the table stream) in chalicelib/consumers."""
from chalice import Chalice

from chalicelib import middleware
from chalicelib.api import (analytics, disputes, engagements, events, messages, meta, oauth,
                            opportunities, payments, routing, team, users, webhooks)
from chalicelib.api import account
from chalicelib.api import dashboard
from chalicelib.consumers import analytics as analytics_consumers
from chalicelib.consumers import escrow as escrow_consumers
from chalicelib.consumers import matching as matching_consumers
from chalicelib.consumers import payments as payment_consumers
from chalicelib.consumers import webhooks as webhook_consumers

app = Chalice(app_name="leadnod")
app.api.binary_types = []  # every response is JSON text

middleware.register(app)
app.register_blueprint(routing.auth_bp)
app.register_blueprint(oauth.bp)
app.register_blueprint(users.bp)
app.register_blueprint(team.bp)
app.register_blueprint(account.bp)
app.register_blueprint(opportunities.bp)
app.register_blueprint(engagements.bp)
app.register_blueprint(matching_consumers.bp)
app.register_blueprint(messages.bp)
app.register_blueprint(payments.bp)
app.register_blueprint(disputes.bp)
app.register_blueprint(payment_consumers.bp)
app.register_blueprint(escrow_consumers.bp)
app.register_blueprint(analytics.bp)
app.register_blueprint(analytics_consumers.bp)
app.register_blueprint(webhooks.bp)
app.register_blueprint(events.bp)
app.register_blueprint(webhook_consumers.bp)
app.register_blueprint(meta.bp)
app.register_blueprint(dashboard.bp)  # the developer dashboard page (docs/dashboard.md)
routing.finalize_routes(app)  # last: needs every route
