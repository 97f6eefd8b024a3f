"""Event-source handlers (streams, schedules, queues): parse the event, call a service."""
