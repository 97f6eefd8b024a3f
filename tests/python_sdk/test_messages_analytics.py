"""Messages and analytics through the SDK, sync and async."""
from __future__ import annotations

from datetime import date, datetime, timezone

from leadnod.models import (ClientSummary, Conversation, EngagementAnalytics, Export, Message,
                            NotificationPreferences, Report, SalesProSummary)

from .conftest import active_engagement


def test_messages_conversations_and_preferences(sdk, people):
    client_account, pro_account = people.new("client"), people.new("sales_pro")
    client, pro = sdk.client(client_account), sdk.client(pro_account)

    first = sdk.run(client.messages.send(recipient_id=pro_account.user_id,
                                         body="Hi! Interested in our AE role? \U0001F680"))
    assert isinstance(first, Message) and first.body.endswith("\U0001F680")
    reply = sdk.run(pro.messages.send(conversation_id=first.conversation_id,
                                      body="Yes — tell me more."))
    [conversation] = sdk.all(client.messages.conversations.list())
    assert isinstance(conversation, Conversation) and conversation.id == first.conversation_id
    assert conversation.other_participant.id == pro_account.user_id
    assert (conversation.last_message.preview, conversation.unread_count) == (
        "Yes — tell me more.", 1)

    thread = sdk.all(client.messages.conversations.retrieve(first.conversation_id, limit=1))
    assert [m.id for m in thread] == [first.id, reply.id]  # oldest first, across pages
    assert sdk.run(client.messages.conversations.list()).data[0].unread_count == 0

    preferences = sdk.run(client.messages.preferences.retrieve())
    assert isinstance(preferences, NotificationPreferences)
    assert (preferences.email_on_new_message, preferences.digest_frequency) == (True, "daily")
    changed = sdk.run(client.messages.preferences.update(digest_frequency="weekly"))
    assert (changed.email_on_new_message, changed.digest_frequency) == (True, "weekly")
    assert changed.updated_at is not None


def test_analytics_summaries_reports_and_exports(sdk, people):
    client, pro = sdk.client(people.client), sdk.client(people.pro)
    engagement = active_engagement(sdk, client, pro, people.pro.user_id)

    summary = sdk.run(client.analytics.summary())
    assert isinstance(summary, ClientSummary) and summary.account_type == "client"
    assert summary.from_ is None and summary.currency == "usd"
    ranged = sdk.run(pro.analytics.summary(from_=date(2026, 1, 1), to="2026-03-31"))
    assert isinstance(ranged, SalesProSummary)
    assert (ranged.from_, ranged.to) == (date(2026, 1, 1), date(2026, 3, 31))

    figures = sdk.run(client.analytics.engagement(engagement.id))
    assert isinstance(figures, EngagementAnalytics) and figures.engagement_id == engagement.id
    assert figures.status == "active" and [s.stage for s in figures.funnel]

    report = sdk.run(client.analytics.reports.create(
        metrics=["activities", "deals_closed", "revenue"], group_by="month",
        from_=date(2026, 1, 1), to=date(2026, 6, 30)))
    assert isinstance(report, Report) and report.status == "completed"
    assert report.columns == ["month", "activities", "deals_closed", "revenue"]
    assert report.from_ == date(2026, 1, 1) and len(report.rows) == 6
    assert sdk.run(client.analytics.reports.retrieve(report.id)).rows == report.rows
    listed = sdk.all(client.analytics.reports.list())
    assert report.id in [r.id for r in listed] and listed[0].rows is None

    export = sdk.run(client.analytics.export.request(
        format="json", dataset="payments", from_=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    assert isinstance(export, Export) and export.id.startswith("exp_")
    assert (export.status, export.format, export.dataset) == ("processing", "json", "payments")
    again = sdk.run(client.analytics.export.retrieve(export.id))
    assert again.id == export.id and again.from_ == date(2026, 1, 1)
