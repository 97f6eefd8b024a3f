"""The dashboard in a real browser (Playwright driving Debian's chromium) against the local
stack: a new client account signs in, rotates its secret, registers a webhook to a receiver on
127.0.0.1, pings it and reads the delivery log, retries a failed delivery, adds a team member,
changes its role and removes it, filters its events, then signs out. Each screen is saved as a
screenshot under artifacts/dashboard/ (README: "Developer dashboard")."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.browser

# Every form control labelled, every button named, one h1, ids unique (what a screen reader
# needs to announce each control); the page's own check, run on each screen.
A11Y_CHECK = """() => {
  const problems = [];
  const visible = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
  for (const c of document.querySelectorAll("input, select, textarea")) {
    if (!visible(c) || c.type === "hidden") continue;
    if (!(c.labels && c.labels.length) && !c.getAttribute("aria-label"))
      problems.push("unlabelled " + (c.name || c.outerHTML.slice(0, 80)));
  }
  for (const b of document.querySelectorAll("button, a[href]")) {
    if (!visible(b)) continue;
    if (!(b.getAttribute("aria-label") || b.textContent.trim()))
      problems.push("unnamed " + b.outerHTML.slice(0, 80));
  }
  if (document.querySelectorAll("main h1").length !== 1) problems.push("not one h1");
  const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
  if (new Set(ids).size !== ids.length) problems.push("duplicate ids");
  return problems;
}"""


def new_client_account(local_admin: Any) -> dict[str, Any]:
    created = local_admin("create-account", "--type", "client", "--name", "Dana Dev",
                          "--email", f"dashboard-{time.time_ns()}@example.com",
                          "--company", "Dash Inc", "--industry", "saas")
    assert created.returncode == 0, created.stderr
    return json.loads(created.stdout)


def token_status(base: str, client_id: str, secret: str) -> int:
    return requests.post(f"{base}/oauth/token", timeout=20, json={
        "grant_type": "client_credentials", "client_id": client_id,
        "client_secret": secret}).status_code


class Screens:
    """Screenshots numbered in the order taken, and the checks each screen gets."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0

    def shot(self, name: str) -> None:
        self.count += 1
        problems = self.page.evaluate(A11Y_CHECK)
        assert problems == [], (name, problems)
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"),
                             full_page=True)


def test_a_developer_manages_credentials_webhooks_and_team_in_the_dashboard(
        local_stack, local_admin, browser, screenshots):
    from playwright.sync_api import expect

    from devstack.webhook_receiver import WebhookReceiver

    expect.set_options(timeout=30_000)  # two busy cores: the stack may take seconds to answer
    base = local_stack["base"]
    account = new_client_account(local_admin)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    page.set_default_timeout(30_000)
    # Console errors (CSP refusals say "Refused to ...") and uncaught exceptions; the refused
    # sign-in's 401 is logged as a failed load, which the page tells in words (checked below).
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    screens = Screens(page, screenshots)
    main = page.locator("main")

    # Sign in: the form checks before sending; a wrong secret is said in words.
    page.goto(f"{base}/dashboard")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_focused()
    screens.shot("sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Enter your client id.")).to_be_visible()
    expect(page.get_by_label("Client id")).to_be_focused()
    page.keyboard.type(account["client_id"])
    page.keyboard.press("Tab")
    page.keyboard.type("lns_not-the-secret")
    page.keyboard.press("Enter")  # the keyboard alone signs in
    expect(page.get_by_role("alert")).to_have_text("The client id or client secret is not right.")
    screens.shot("sign-in-refused")
    page.get_by_label("Client secret", exact=True).fill(account["client_secret"])
    page.keyboard.press("Enter")

    # Overview: the account, its organization and plan, and this minute's and today's usage.
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_focused()
    expect(main.get_by_text("Dash Inc")).to_be_visible()
    expect(main.get_by_text("professional")).to_be_visible()
    expect(main.get_by_text("requests used").first).to_be_visible()
    assert "access_token" not in page.url and context.cookies() == []
    screens.shot("overview")

    # Credentials: rotate with a chosen grace; the new secret is shown once, copied, and works.
    page.get_by_role("link", name="Credentials").click()
    expect(page.get_by_role("heading", name="Credentials", level=1)).to_be_focused()
    expect(page.locator("#client-id")).to_have_text(account["client_id"])
    grace = page.get_by_label("Grace period (seconds)")
    grace.fill("90000")
    page.get_by_role("button", name="Rotate secret").click()
    expect(page.get_by_text("Enter a whole number of seconds from 0 to 86400.")).to_be_visible()
    grace.fill("120")
    page.get_by_role("button", name="Rotate secret").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("keeps working for 120 seconds")
    dialog.get_by_role("button", name="Rotate secret").click()
    new_secret = page.get_by_label("Client secret", exact=True)
    expect(new_secret).not_to_have_value("")
    secret = new_secret.input_value()
    assert secret.startswith("lns_") and secret != account["client_secret"]
    page.get_by_role("button", name="Copy client secret").click()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert token_status(base, account["client_id"], secret) == 200
    assert token_status(base, account["client_id"], account["client_secret"]) == 200  # grace
    screens.shot("credentials-rotated")

    with WebhookReceiver() as receiver:
        url = receiver.url()
        # Webhooks: the form refuses what the API would; then the endpoint and its secret.
        page.get_by_role("link", name="Webhooks").click()
        expect(page.get_by_role("heading", name="Webhooks", level=1)).to_be_focused()
        page.get_by_label("Endpoint URL").fill("ftp://example.com/hooks")
        page.get_by_role("button", name="Add endpoint").click()
        expect(page.get_by_text("Use an https URL")).to_be_visible()
        expect(page.get_by_text("Pick at least one event.")).to_be_visible()
        page.get_by_label("Endpoint URL").fill(url)
        page.get_by_label("credentials.rotated").check()
        page.get_by_label("user.updated").check()
        page.get_by_role("button", name="Add endpoint").click()
        signing = page.get_by_label("Signing secret", exact=True)
        expect(signing).not_to_have_value("")
        assert signing.input_value().startswith("whsec_")
        row = page.get_by_role("row").filter(has_text=url)
        expect(row).to_contain_text("user.updated, credentials.rotated")
        expect(row).to_contain_text("Enabled")
        screens.shot("webhook-created")

        # A test ping reaches the receiver and the delivery log shows it succeeded.
        page.get_by_role("button", name=f"Send test ping to {url}").click()
        log = page.get_by_role("table", name=f"Deliveries to {url}, newest first")
        expect(log.get_by_text("succeeded")).to_be_visible(timeout=60_000)
        [ping] = receiver.wait_for(1, timeout=30)
        assert ping.json()["type"] == "ping"
        expect(log).to_contain_text("ping")
        expect(log).to_contain_text("HTTP 200")
        screens.shot("webhook-delivery-log")

        # A ping the receiver refuses fails (one attempt); Retry delivers it.
        receiver.fail_next(1)
        page.get_by_role("button", name=f"Send test ping to {url}").click()
        expect(log.get_by_text("failed")).to_be_visible(timeout=60_000)
        expect(log).to_contain_text("HTTP 500")
        screens.shot("webhook-delivery-failed")
        log.get_by_role("button", name="Retry delivery").click()
        expect(log.get_by_text("failed")).to_have_count(0)
        expect(log.get_by_text("succeeded")).to_have_count(2, timeout=60_000)
        assert len(receiver.wait_for(3, timeout=30)) == 3

        # Edit the events, disable and enable, a new signing secret after a confirmation.
        page.get_by_role("button", name=f"Edit {url}").click()
        page.get_by_role("form", name=f"Edit {url}").get_by_label("payment.failed").check()
        page.get_by_role("button", name="Save changes").click()
        expect(row).to_contain_text("payment.failed")
        row.get_by_role("button", name=f"Disable {url}").click()
        expect(row).to_contain_text("Disabled (by you)")
        row.get_by_role("button", name=f"Enable {url}").click()
        expect(row).to_contain_text("Enabled")
        row.get_by_role("button", name=f"New signing secret for {url}").click()
        page.get_by_role("dialog").get_by_role("button", name="Issue new secret").click()
        expect(signing).not_to_have_value("")
        rotated_webhook_secret = signing.input_value()
        expect(row).to_contain_text(f"…{rotated_webhook_secret[-4:]}")
        screens.shot("webhook-secret-rotated")

    # Team: add a member (credentials shown once, and they work), change its role, remove it.
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team", level=1)).to_be_focused()
    expect(page.get_by_role("row").filter(has_text="owner")).to_contain_text("Dana Dev")
    page.get_by_label("Name").fill("Mo Member")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("Enter an email address")).to_be_visible()
    page.get_by_label("Email").fill(f"mo-{time.time_ns()}@example.com")
    page.get_by_role("button", name="Add member").click()
    member_secret = page.get_by_label("Client secret", exact=True)
    expect(member_secret).not_to_have_value("")
    member_id = page.get_by_label("Client id", exact=True).input_value()
    assert token_status(base, member_id, member_secret.input_value()) == 200
    member = page.get_by_role("row").filter(has_text="Mo Member")
    expect(member).to_contain_text("member")
    screens.shot("team-member-added")
    member.get_by_label("Role of Mo Member", exact=True).select_option("admin")
    member.get_by_role("button", name="Change role of Mo Member").click()
    expect(page.get_by_role("status")).to_have_text("Mo Member is now admin.")
    member.get_by_role("button", name="Remove Mo Member").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove member").click()
    expect(member).to_have_count(0)
    assert token_status(base, member_id, member_secret.input_value()) == 401
    screens.shot("team-member-removed")

    # Events, filtered by type: the rotation above is there.
    page.get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", name="Events", level=1)).to_be_focused()
    page.get_by_label("Event type").select_option("credentials.rotated")
    page.get_by_role("button", name="Show events").click()
    events = page.get_by_role("table", name="Events of type credentials.rotated")
    expect(events.get_by_role("row")).not_to_have_count(0)
    expect(events).not_to_contain_text("user.created")
    screens.shot("events-filtered")

    # Phone width: nothing wider than the screen; tables become one card per row.
    page.set_viewport_size({"width": 390, "height": 844})
    for name in ("webhooks", "team", "overview"):
        page.get_by_role("link", name=name.capitalize()).click()
        expect(page.get_by_role("heading", name=name.capitalize(), level=1)).to_be_focused()
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        screens.shot(f"phone-{name}")

    # Sign out forgets the token: the tab's storage is empty and the sign-in form is back.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    page.reload()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    screens.shot("signed-out")
    assert problems == [], problems
    context.close()
