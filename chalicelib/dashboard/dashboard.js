// The LeadNod developer dashboard: a page that uses this API's public routes like any
// integrator (docs/dashboard.md). No framework and no build step: plain DOM, one module.
// Every string from the API goes into the page as text (textContent, attributes), never as
// markup: the page's Content-Security-Policy refuses string-to-HTML sinks outright.

const ROOT = new URL(".", document.baseURI); // the API: this page is <API URL>/dashboard
const EVENT_TYPES = JSON.parse(document.getElementById("event-types").textContent);
const STORE = "leadnod.dashboard"; // sessionStorage: this tab only, gone when it closes
const TITLE = "LeadNod developer dashboard";

// ---------------------------------------------------------------- DOM helpers

function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "on") {
      for (const [type, handler] of Object.entries(value)) element.addEventListener(type, handler);
    } else if (name === "class") {
      element.className = value;
    } else if (name === "value" || name === "checked") {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

const byId = (id) => document.getElementById(id);
let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

let announced = 0;

function announce(message) {
  announced = Date.now();
  const status = byId("status");
  status.textContent = "";
  // A fresh text node makes screen readers read a repeated message again.
  setTimeout(() => { status.textContent = message; }, 30);
}

function time(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return h("time", { datetime: iso, title: iso }, isNaN(date) ? iso : date.toLocaleString());
}

function table(caption, columns, rows, empty) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h("table", {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) =>
      h("td", { "data-label": columns[i] }, cell))))));
}

// ---------------------------------------------------------------- forms

// A labelled control with its hint and error text, both tied to it with aria-describedby.
function field(label, control, hint) {
  const id = control.id || (control.id = nextId("f"));
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    control,
    h("p", { class: "field-error", id: errorId }));
}

function setError(control, message) {
  const error = byId(`${control.id}-error`);
  if (error) error.textContent = message || "";
  if (message) control.setAttribute("aria-invalid", "true");
  else control.removeAttribute("aria-invalid");
}

// Runs each [control, check] (check answers an error message or ""); shows every message and
// focuses the first invalid control. True when all pass.
function validate(checks) {
  let first = null;
  for (const [control, check] of checks) {
    const message = check();
    setError(control, message);
    if (message && !first) first = control;
  }
  if (first) first.focus();
  return !first;
}

function formError() {
  return h("p", { class: "form-error", role: "alert" });
}

// Submits `form` through `action` (async): the button is busy meanwhile and an API error is
// written into `errorBox` in words.
function onSubmit(form, errorBox, action) {
  form.noValidate = true; // our own messages, tied to each field, instead of the browser's bubbles
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.textContent = "";
    const buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach((b) => { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    try {
      await action();
    } catch (error) {
      showError(errorBox, error);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      form.removeAttribute("aria-busy");
    }
  });
}

function showError(box, error) {
  if (error instanceof SessionEnded) return;
  box.textContent = describe(error);
  if (!(error instanceof ApiError)) console.error(error);
}

// A button whose async action reports its failure in `errorBox`.
function actionButton(label, attrs, errorBox, action) {
  const button = h("button", { type: "button", ...attrs }, label);
  button.addEventListener("click", async () => {
    errorBox.textContent = "";
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      showError(errorBox, error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function confirmAction(title, text, okLabel) {
  const dialog = byId("confirm");
  const returnTo = document.activeElement;
  byId("confirm-title").textContent = title;
  byId("confirm-text").textContent = text;
  byId("confirm-ok").textContent = okLabel;
  return new Promise((resolve) => {
    const finish = (answer) => {
      byId("confirm-ok").onclick = byId("confirm-cancel").onclick = dialog.oncancel = null;
      if (dialog.open) dialog.close();
      if (returnTo && returnTo.isConnected) returnTo.focus();
      resolve(answer);
    };
    byId("confirm-ok").onclick = () => finish(true);
    byId("confirm-cancel").onclick = () => finish(false);
    dialog.oncancel = (event) => { event.preventDefault(); finish(false); }; // Escape
    dialog.showModal();
    byId("confirm-cancel").focus();
  });
}

// A secret the API shows once: each value read-only with a copy button, until dismissed.
function secretPanel(title, values, note) {
  const headingId = nextId("secret");
  const panel = h("section", { class: "secret", "aria-labelledby": headingId },
    h("h3", { id: headingId, tabindex: "-1" }, title),
    h("p", {}, "Shown once: copy it now and store it securely. It cannot be shown again."));
  for (const [label, value] of values) {
    const input = h("input", { type: "text", readonly: true, value, spellcheck: "false",
      autocomplete: "off", class: "mono", "data-secret": label });
    const copy = h("button", { type: "button", class: "secondary",
      "aria-label": `Copy ${label.toLowerCase()}` }, "Copy");
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(value);
        announce(`${label} copied to the clipboard.`);
      } catch {
        input.select();
        announce("Could not use the clipboard: the value is selected, copy it with Ctrl+C.");
      }
    });
    panel.append(h("div", { class: "copy-row" }, field(label, input), copy));
  }
  if (note) panel.append(h("p", {}, note));
  panel.append(h("button", { type: "button", on: { click: () => panel.remove() } },
    "I have stored it"));
  setTimeout(() => panel.querySelector("h3").focus(), 0);
  return panel;
}

// ---------------------------------------------------------------- the API

class ApiError extends Error {
  constructor(status, code, message, param = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.param = param;
  }
}

class SessionEnded extends Error {}

function describe(error) {
  if (!(error instanceof ApiError)) return "Something went wrong in the page. Reload it and try again.";
  const field = error.param ? ` (field: ${error.param})` : "";
  return `${error.message}${field}`;
}

async function errorFrom(answer) {
  const body = await answer.json().catch(() => null);
  const retry = answer.headers.get("Retry-After");
  if (answer.status === 429) {
    return new ApiError(429, "rate_limited", `Too many requests: try again in ${retry || "a few"} seconds.`);
  }
  if (body && typeof body.error === "object" && body.error) {
    const { code, message, param } = body.error;
    return new ApiError(answer.status, code, message || `The API answered ${answer.status}.`, param);
  }
  if (body && typeof body.error === "string") { // the token endpoint answers as RFC 6749 says
    const words = body.error === "invalid_client"
      ? "The client id or client secret is not right."
      : body.error_description || body.error;
    return new ApiError(answer.status, body.error, words);
  }
  return new ApiError(answer.status, "http_error", `The API answered ${answer.status} ${answer.statusText}.`);
}

async function send(url, init) {
  try {
    return await fetch(url, { cache: "no-store", credentials: "omit", ...init });
  } catch {
    throw new ApiError(0, "network", "Could not reach the API. Check the connection and try again.");
  }
}

let session = null; // {token, expiresAt, clientId, user}

async function call(method, path, { body, query } = {}) {
  if (!session || Date.now() >= session.expiresAt) {
    signOut("Your session ended: the access token expired. Sign in again.");
    throw new SessionEnded();
  }
  const url = new URL(path, ROOT);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Authorization: `Bearer ${session.token}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const answer = await send(url, { method, headers,
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (answer.status === 401) {
    signOut("Your session ended: the API refused the access token. Sign in again.");
    throw new SessionEnded();
  }
  if (!answer.ok) throw await errorFrom(answer);
  return answer.status === 204 ? null : answer.json();
}

async function signIn(clientId, clientSecret) {
  const answer = await send(new URL("oauth/token", ROOT), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ grant_type: "client_credentials", client_id: clientId,
      client_secret: clientSecret }),
  });
  if (!answer.ok) throw await errorFrom(answer);
  const token = await answer.json();
  // A minute early: a request sent just before the end would be refused on arrival.
  session = { token: token.access_token, clientId,
    expiresAt: Date.now() + Math.max(0, token.expires_in - 60) * 1000 };
  session.user = await call("GET", "v1/users/me");
  sessionStorage.setItem(STORE, JSON.stringify(session));
}

function signOut(message) {
  session = null;
  sessionStorage.removeItem(STORE);
  showChrome();
  renderSignIn();
  announce(message || "Signed out.");
}

function restore() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(STORE) || "null");
    if (kept && kept.token && Date.now() < kept.expiresAt) session = kept;
    else sessionStorage.removeItem(STORE);
  } catch {
    sessionStorage.removeItem(STORE);
  }
}

const isManager = () => session.user.type === "client" && ["owner", "admin"].includes(session.user.role);

// ---------------------------------------------------------------- screens

function showChrome() {
  const signedIn = Boolean(session);
  byId("nav").hidden = !signedIn;
  byId("sign-out").hidden = !signedIn;
  byId("who").hidden = !signedIn;
  if (signedIn) {
    const user = session.user;
    byId("who").textContent = [user.name, user.company, user.role].filter(Boolean).join(" · ");
  }
}

function screen(title, ...content) {
  const heading = h("h1", { tabindex: "-1" }, title);
  byId("main").replaceChildren(heading, ...content);
  document.title = `${title} · ${TITLE}`;
  return heading;
}

function renderSignIn() {
  const clientId = h("input", { type: "text", name: "client_id", autocomplete: "username",
    spellcheck: "false", required: true, class: "mono" });
  const secret = h("input", { type: "password", name: "client_secret",
    autocomplete: "current-password", required: true, class: "mono" });
  const error = formError();
  const form = h("form", { class: "card narrow", "aria-labelledby": "sign-in-title" },
    h("h2", { id: "sign-in-title" }, "Your API credentials"),
    field("Client id", clientId, "Starts with cli_."),
    field("Client secret", secret),
    error,
    h("button", { type: "submit" }, "Sign in"));
  onSubmit(form, error, async () => {
    const ok = validate([
      [clientId, () => !clientId.value.trim() ? "Enter your client id."
        : !/^cli_\S+$/.test(clientId.value.trim()) ? "A client id starts with cli_ (for example cli_4Fh...)." : ""],
      [secret, () => secret.value ? "" : "Enter your client secret."],
    ]);
    if (!ok) return;
    await signIn(clientId.value.trim(), secret.value);
    secret.value = "";
    showChrome();
    announce(`Signed in as ${session.user.name}.`);
    if (SCREENS[location.hash.slice(1)]) route();
    else location.hash = "#overview"; // hashchange renders it
  });
  screen("Sign in",
    h("p", {}, "Sign in with an API client id and secret. They go only to this API's ",
      h("code", {}, "/oauth/token"), "; the access token it answers stays in this browser tab ",
      "until you sign out or close the tab."),
    form).focus();
}

async function renderOverview() {
  const body = h("div", { class: "grid" }, h("p", {}, "Loading…"));
  const error = formError();
  const heading = screen("Overview", error, body);
  const [user, usage] = await Promise.all([call("GET", "v1/users/me"), call("GET", "v1/usage")]);
  session.user = user;
  showChrome();
  const row = (term, value) => [h("dt", {}, term), h("dd", {}, value ?? "—")];
  body.replaceChildren(
    h("section", { class: "card", "aria-labelledby": "account-title" },
      h("h2", { id: "account-title" }, "Account"),
      h("dl", {}, row("Name", user.name), row("Email", user.email),
        row("Account type", user.type === "client" ? "Client" : "Sales professional"),
        row("User id", h("code", {}, user.id)), row("Verified", user.verified ? "Yes" : "No"),
        row("Created", time(user.created_at)))),
    h("section", { class: "card", "aria-labelledby": "org-title" },
      h("h2", { id: "org-title" }, "Organization"),
      h("dl", {}, row("Company", user.company), row("Organization id",
        user.organization_id ? h("code", {}, user.organization_id) : null),
        row("Your role", user.role), row("Plan", user.plan))),
    h("section", { class: "card", "aria-labelledby": "usage-title" },
      h("h2", { id: "usage-title" }, "Usage"),
      h("p", { class: "hint" }, user.organization_id
        ? "Requests of the whole organization (its members share the plan's limits)."
        : "Requests of this account."),
      usageMeter("This minute", usage.per_minute), usageMeter("Today (UTC)", usage.per_day),
      actionButton("Refresh", { class: "secondary" }, error, route)));
  return heading;
}

function usageMeter(label, window) {
  const id = nextId("meter");
  return h("div", { class: "usage" },
    h("label", { for: id }, label),
    h("meter", { id, min: 0, max: window.limit, value: window.used, high: window.limit * 0.8,
      optimum: 0 }),
    h("p", {}, `${window.used} of ${window.limit} requests used, ${window.remaining} left. Resets `,
      time(window.resets_at), "."));
}

function renderCredentials() {
  const grace = h("input", { type: "number", name: "grace_seconds", min: 0, max: 86400, step: 1,
    value: "3600", required: true, inputmode: "numeric" });
  const error = formError();
  const result = h("div");
  const form = h("form", { class: "card", "aria-labelledby": "rotate-title" },
    h("h2", { id: "rotate-title" }, "Rotate the client secret"),
    h("p", {}, "A new secret replaces the one you signed in with. The current access token keeps ",
      "working until it expires."),
    field("Grace period (seconds)", grace,
      "How long the previous secret keeps working: 0 refuses it at once, at most 86400 (a day)."),
    error,
    h("button", { type: "submit", class: "danger" }, "Rotate secret"));
  onSubmit(form, error, async () => {
    const seconds = Number(grace.value);
    if (!validate([[grace, () => grace.value.trim() === "" || !Number.isInteger(seconds)
      || seconds < 0 || seconds > 86400 ? "Enter a whole number of seconds from 0 to 86400." : ""]])) return;
    const sure = await confirmAction("Rotate the client secret?",
      seconds === 0 ? "The current secret stops working at once: every server using it must get the new one."
        : `The current secret keeps working for ${seconds} seconds, then only the new one does.`,
      "Rotate secret");
    if (!sure) return;
    const rotated = await call("POST", "v1/users/me/credentials/rotate", { body: { grace_seconds: seconds } });
    session.clientId = rotated.client_id;
    sessionStorage.setItem(STORE, JSON.stringify(session));
    result.replaceChildren(secretPanel("New client secret",
      [["Client id", rotated.client_id], ["Client secret", rotated.client_secret]],
      seconds === 0 ? "The previous secret no longer works."
        : `The previous secret works until ${new Date(rotated.previous_secret_expires_at).toLocaleString()}.`));
    announce("The client secret was rotated. The new one is shown once below.");
  });
  const copyId = h("button", { type: "button", class: "secondary", "aria-label": "Copy client id",
    on: { click: () => navigator.clipboard.writeText(session.clientId)
      .then(() => announce("Client id copied to the clipboard."), () => announce("Could not use the clipboard.")) } }, "Copy");
  return screen("Credentials",
    h("section", { class: "card", "aria-labelledby": "client-title" },
      h("h2", { id: "client-title" }, "Client id"),
      h("p", { class: "copy-row" }, h("code", { id: "client-id" }, session.clientId), copyId),
      h("p", { class: "hint" }, "Secrets are stored hashed: the API can never show an existing one, ",
        "only issue a new one.")),
    form, result);
}

// ---- webhooks

const WEBHOOK_SECRET = /^[\x21-\x7e]{16,128}$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function checkUrl(value) {
  if (!value) return "Enter the URL that receives the events.";
  let url;
  try { url = new URL(value); } catch { return "Enter an absolute URL, such as https://example.com/webhooks/leadnod."; }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    return "Use an https URL (http only for 127.0.0.1 on the local stack).";
  }
  if (url.username || url.password) return "Leave the user name and password out of the URL.";
  if (url.hash) return "Leave the #fragment out of the URL.";
  if (value.length > 2048) return "The URL is longer than 2048 characters.";
  return "";
}

function webhookForm(existing, errorBox, onDone) {
  const url = h("input", { type: "url", name: "url", required: true, spellcheck: "false",
    value: existing ? existing.url : "", placeholder: "https://example.com/webhooks/leadnod" });
  const chosen = new Set(existing ? existing.events : []);
  const boxes = ["*", ...EVENT_TYPES].map((type) => h("input", { type: "checkbox", name: "events",
    value: type, checked: chosen.has(type), id: nextId("event") }));
  const legendId = nextId("legend");
  const eventsError = h("p", { class: "field-error", id: `${legendId}-error` });
  const events = h("fieldset", { "aria-describedby": eventsError.id },
    h("legend", { id: legendId }, "Events to send"),
    h("div", { class: "checks" }, boxes.map((box) => h("div", { class: "check" }, box,
      h("label", { for: box.id }, box.value === "*" ? "All events, future ones too (*)" : box.value)))),
    eventsError);
  const secret = h("input", { type: "text", name: "secret", spellcheck: "false", autocomplete: "off",
    class: "mono" });
  const title = existing ? `Edit ${existing.url}` : "Add an endpoint";
  const titleId = nextId("form");
  const form = h("form", { class: "card", "aria-labelledby": titleId },
    h("h2", { id: titleId, tabindex: "-1" }, title),
    field("Endpoint URL", url, "Where LeadNod POSTs the events, signed with the endpoint's secret."),
    events,
    existing ? null : field("Signing secret (optional)", secret,
      "16 to 128 printable characters without spaces. Leave empty and one is generated."),
    errorBox,
    h("div", { class: "actions" },
      h("button", { type: "submit" }, existing ? "Save changes" : "Add endpoint"),
      existing ? h("button", { type: "button", class: "secondary", on: { click: () => onDone(null) } }, "Cancel") : null));
  onSubmit(form, errorBox, async () => {
    const picked = boxes.filter((b) => b.checked).map((b) => b.value);
    const ok = validate([
      [url, () => checkUrl(url.value.trim())],
      [events, () => { const message = picked.length ? "" : "Pick at least one event.";
        eventsError.textContent = message; return message; }],
      [secret, () => !secret.value || WEBHOOK_SECRET.test(secret.value) ? ""
        : "A signing secret is 16 to 128 printable characters without spaces."],
    ]);
    if (!ok) {
      if (!picked.length && url.getAttribute("aria-invalid") !== "true") boxes[0].focus();
      return;
    }
    const body = { url: url.value.trim(), events: picked };
    if (!existing && secret.value) body.secret = secret.value;
    const answer = existing
      ? await call("PATCH", `v1/webhooks/${existing.id}`, { body })
      : await call("POST", "v1/webhooks", { body });
    onDone(answer);
  });
  return form;
}

async function renderWebhooks() {
  const error = formError();
  const list = h("div", {}, h("p", {}, "Loading…"));
  const secretArea = h("div");
  const formArea = h("div");
  const deliveries = h("div");
  const heading = screen("Webhooks",
    h("p", {}, "Endpoints that receive this account's events. Only an organization's owner and ",
      "admins change them."),
    secretArea, error, list, deliveries, formArea);

  const showCreateForm = () => formArea.replaceChildren(webhookForm(null, formError(), async (created) => {
    secretArea.replaceChildren(secretPanel(`Signing secret of ${created.url}`,
      [["Signing secret", created.secret]],
      "Verify each delivery's signature with it (docs: webhooks). Use “New signing secret” to replace it."));
    announce(`Endpoint ${created.url} added. Its signing secret is shown once.`);
    await load();
    showCreateForm();
  }));

  const edit = (hook) => {
    formArea.replaceChildren(webhookForm(hook, formError(), async (saved) => {
      if (saved) announce(`Endpoint ${saved.url} saved.`);
      await load();
      showCreateForm();
      formArea.querySelector("h2").focus();
    }));
    formArea.querySelector("h2").focus();
  };

  async function load() {
    const page = await call("GET", "v1/webhooks", { query: { limit: 100 } });
    list.replaceChildren(table("Webhook endpoints",
      ["URL", "Events", "Status", "Secret", "Actions"],
      page.data.map((hook) => [
        h("span", { class: "url" }, hook.url),
        hook.events.join(", "),
        hook.status === "enabled" ? "Enabled"
          : `Disabled (${hook.disabled_reason === "failing" ? "failing deliveries" : "by you"})`,
        h("code", {}, `…${hook.secret_last4}`),
        h("div", { class: "actions" },
          actionButton("Send test ping", { "aria-label": `Send test ping to ${hook.url}` }, error, async () => {
            const delivery = await call("POST", `v1/webhooks/${hook.id}/test`);
            announce(`Test ping ${delivery.id} queued for ${hook.url}.`);
            await showDeliveries(hook, true);
          }),
          actionButton("Deliveries", { class: "secondary", "aria-label": `Deliveries to ${hook.url}` },
            error, () => showDeliveries(hook, false)),
          h("button", { type: "button", class: "secondary", "aria-label": `Edit ${hook.url}`,
            on: { click: () => edit(hook) } }, "Edit"),
          actionButton(hook.status === "enabled" ? "Disable" : "Enable",
            { class: "secondary", "aria-label": `${hook.status === "enabled" ? "Disable" : "Enable"} ${hook.url}` },
            error, async () => {
              const status = hook.status === "enabled" ? "disabled" : "enabled";
              await call("PATCH", `v1/webhooks/${hook.id}`, { body: { status } });
              announce(`Endpoint ${hook.url} ${status}.`);
              await load();
            }),
          actionButton("New signing secret", { class: "secondary", "aria-label": `New signing secret for ${hook.url}` },
            error, async () => {
              const sure = await confirmAction("Replace the signing secret?",
                `The API never shows an existing secret; it can only issue a new one. ${hook.url} `
                + "is signed with the new secret from now on, pending retries included.",
                "Issue new secret");
              if (!sure) return;
              const rotated = await call("PATCH", `v1/webhooks/${hook.id}`, { body: { rotate_secret: true } });
              secretArea.replaceChildren(secretPanel(`Signing secret of ${hook.url}`,
                [["Signing secret", rotated.secret]]));
              announce(`A new signing secret for ${hook.url} is shown once at the top.`);
              await load();
            }),
          actionButton("Delete", { class: "danger", "aria-label": `Delete ${hook.url}` }, error, async () => {
            const sure = await confirmAction("Delete this endpoint?",
              `${hook.url} stops receiving events, and its delivery log goes with it.`, "Delete");
            if (!sure) return;
            await call("DELETE", `v1/webhooks/${hook.id}`);
            deliveries.replaceChildren();
            announce(`Endpoint ${hook.url} deleted.`);
            await load();
          })),
      ]), "No endpoints yet: add one below."));
  }

  let polling = 0;
  async function showDeliveries(hook, follow) {
    const ticket = ++polling;
    const box = formError();
    const titleId = nextId("deliveries");
    const rows = h("div", {}, h("p", {}, "Loading…"));
    const section = h("section", { class: "card", "aria-labelledby": titleId },
      h("h2", { id: titleId, tabindex: "-1" }, `Deliveries to ${hook.url}`),
      box, rows,
      actionButton("Refresh deliveries", { class: "secondary" }, box, () => fill()));
    deliveries.replaceChildren(section);
    section.querySelector("h2").focus();
    async function fill() {
      const page = await call("GET", `v1/webhooks/${hook.id}/deliveries`, { query: { limit: 50 } });
      rows.replaceChildren(table(`Deliveries to ${hook.url}, newest first`,
        ["Event", "Status", "Attempts", "Response", "Last attempt", "Next retry", "Actions"],
        page.data.map((d) => [
          h("span", {}, d.event_type, h("br"), h("code", { class: "small" }, d.event_id)),
          h("span", { class: `badge ${d.status}` }, d.status),
          String(d.attempts),
          d.last_response_status !== null
            ? `HTTP ${d.last_response_status}${d.last_response_ms !== null ? ` in ${d.last_response_ms} ms` : ""}`
              + (d.last_error ? ` (${d.last_error})` : "")
            : d.last_error || "—",
          time(d.last_attempt_at), time(d.next_retry_at),
          d.status === "failed"
            ? actionButton("Retry", { "aria-label": `Retry delivery ${d.id}` }, box, async () => {
              await call("POST", `v1/webhooks/${hook.id}/deliveries/${d.id}/retry`);
              announce(`Delivery ${d.id} sent again.`);
              await followUp();
            })
            : "—",
        ]), "No deliveries yet."));
      return page.data;
    }
    // While a delivery is pending, read the log again for up to a minute.
    async function followUp() {
      const mine = ++polling;
      for (let i = 0; i < 40 && mine === polling && deliveries.contains(section); i++) {
        const data = await fill();
        if (!data.some((d) => d.status === "pending")) {
          if (i > 0) announce("The delivery log is up to date.");
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    }
    if (ticket === polling) await (follow ? followUp() : fill());
  }

  await load();
  showCreateForm();
  return heading;
}

// ---- team

async function renderTeam() {
  const error = formError();
  const list = h("div", {}, h("p", {}, "Loading…"));
  const secretArea = h("div");
  const heading = screen("Team", error, secretArea, list);
  if (session.user.type !== "client") {
    list.replaceChildren(h("p", {}, "Teams are for client accounts; this is a sales professional's account."));
    return heading;
  }
  const manager = isManager();
  if (!manager) {
    heading.after(h("p", {}, "Only the organization's owner and admins add, change and remove members."));
  }

  async function load() {
    const page = await call("GET", "v1/users/me/team");
    list.replaceChildren(table("Members of the organization",
      ["Name", "Email", "Role", "Member since", "Actions"],
      page.data.map((member) => [
        member.name, member.email, member.role, time(member.created_at),
        manager && member.role !== "owner" && member.id !== session.user.id
          ? memberActions(member) : "—",
      ]), "No members."));
  }

  function memberActions(member) {
    const role = h("select", { id: nextId("role"), "aria-label": `Role of ${member.name}` },
      ["member", "admin"].map((r) => h("option", { value: r, selected: r === member.role }, r)));
    return h("div", { class: "actions" }, role,
      actionButton("Change role", { class: "secondary", "aria-label": `Change role of ${member.name}` },
        error, async () => {
          if (role.value === member.role) { announce(`${member.name} already has the role ${member.role}.`); return; }
          await call("PATCH", `v1/users/me/team/${member.id}`, { body: { role: role.value } });
          announce(`${member.name} is now ${role.value}.`);
          await load();
        }),
      actionButton("New secret", { class: "secondary", "aria-label": `New client secret for ${member.name}` },
        error, async () => {
          const sure = await confirmAction(`Issue a new secret for ${member.name}?`,
            "Their current secret keeps working for an hour, then only the new one does.", "Issue new secret");
          if (!sure) return;
          const rotated = await call("POST", `v1/users/me/team/${member.id}/credentials/rotate`,
            { body: { grace_seconds: 3600 } });
          secretArea.replaceChildren(secretPanel(`New credentials of ${member.name}`,
            [["Client id", rotated.client_id], ["Client secret", rotated.client_secret]]));
        }),
      actionButton("Remove", { class: "danger", "aria-label": `Remove ${member.name}` }, error, async () => {
        const sure = await confirmAction(`Remove ${member.name}?`,
          "Their credentials stop working and their access tokens are refused.", "Remove member");
        if (!sure) return;
        await call("DELETE", `v1/users/me/team/${member.id}`);
        announce(`${member.name} removed from the organization.`);
        await load();
      }));
  }

  if (manager) {
    const name = h("input", { type: "text", name: "name", required: true, maxlength: 200, autocomplete: "off" });
    const email = h("input", { type: "email", name: "email", required: true, maxlength: 254, autocomplete: "off" });
    const role = h("select", { name: "role" },
      h("option", { value: "member" }, "member"), h("option", { value: "admin" }, "admin"));
    const formBox = formError();
    const form = h("form", { class: "card", "aria-labelledby": "add-member-title" },
      h("h2", { id: "add-member-title" }, "Add a member"),
      field("Name", name), field("Email", email),
      field("Role", role, "Admins manage members and webhooks; members use the API."),
      formBox, h("button", { type: "submit" }, "Add member"));
    onSubmit(form, formBox, async () => {
      const ok = validate([
        [name, () => name.value.trim() ? "" : "Enter the member's name."],
        [email, () => /^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(email.value.trim())
          ? "" : "Enter an email address, such as ana@example.com."],
      ]);
      if (!ok) return;
      const added = await call("POST", "v1/users/me/team",
        { body: { name: name.value.trim(), email: email.value.trim(), role: role.value } });
      secretArea.replaceChildren(secretPanel(`Credentials of ${added.user.name}`,
        [["Client id", added.credentials.client_id], ["Client secret", added.credentials.client_secret]],
        "Hand them to the member over a safe channel."));
      name.value = email.value = "";
      announce(`${added.user.name} added. Their credentials are shown once.`);
      await load();
    });
    list.after(form);
  }
  await load();
  return heading;
}

// ---- events

async function renderEvents() {
  const type = h("select", { name: "type" }, h("option", { value: "" }, "All types"),
    EVENT_TYPES.map((t) => h("option", { value: t }, t)));
  const error = formError();
  const list = h("div");
  const more = h("div");
  const form = h("form", { class: "card filters", "aria-label": "Filter events" },
    field("Event type", type), h("button", { type: "submit" }, "Show events"));
  const heading = screen("Events",
    h("p", {}, "This account's events of the last 30 days, newest first: what webhooks deliver."),
    form, error, list, more);
  let rows = [];

  async function load(cursor) {
    const page = await call("GET", "v1/events", { query: { type: type.value, limit: 20, cursor } });
    rows = cursor ? rows.concat(page.data) : page.data;
    list.replaceChildren(table(type.value ? `Events of type ${type.value}` : "Events",
      ["Type", "Created", "Id", "Data"],
      rows.map((e) => [e.type, time(e.created), h("code", { class: "small" }, e.id),
        h("details", {}, h("summary", {}, "Show data"),
          h("pre", {}, JSON.stringify(e.data, null, 2)))]),
      type.value ? `No ${type.value} events in the last 30 days.` : "No events in the last 30 days."));
    more.replaceChildren(page.has_more
      ? actionButton("Load more events", { class: "secondary" }, error, () => load(page.next_cursor))
      : "");
    announce(`${rows.length} event${rows.length === 1 ? "" : "s"} shown.`);
  }
  onSubmit(form, error, () => load());
  await load();
  return heading;
}

// ---------------------------------------------------------------- routing

const SCREENS = { overview: renderOverview, credentials: renderCredentials, webhooks: renderWebhooks,
  team: renderTeam, events: renderEvents };
let rendering = 0;

async function route() {
  if (!session) { renderSignIn(); return; }
  const name = SCREENS[location.hash.slice(1)] ? location.hash.slice(1) : "overview";
  for (const link of byId("nav").querySelectorAll("a")) {
    if (link.hash === `#${name}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const mine = ++rendering;
  if (Date.now() - announced > 1000) byId("status").textContent = ""; // news of another screen
  try {
    const heading = await SCREENS[name]();
    if (mine === rendering && heading && !byId("main").querySelector(".secret")) heading.focus();
  } catch (error) {
    if (mine !== rendering || error instanceof SessionEnded) return;
    const box = byId("main").querySelector(".form-error") || byId("main").appendChild(formError());
    showError(box, error);
  }
}

restore();
byId("sign-out").addEventListener("click", () => signOut());
window.addEventListener("hashchange", route);
showChrome();
route();
