// The approval console: plain DOM, fetch and textContent only (no innerHTML: nothing a run
// carries can become markup). The session lives in an HttpOnly cookie; the CSRF token the
// server hands out with /me goes back in X-CSRF-Token on every vote.
"use strict";

const API = "/console/api";
const TERMINAL = ["succeeded", "rejected", "timed-out", "aborted", "compensated", "cancelled", "disarmed",
  "refused", "failed", "plan-incomplete"];
const POLL_MS = 1500;
let me = null;
let shown = null;
let polling = null;

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  Object.entries(props || {}).forEach(([k, v]) => {
    if (k === "className") e.className = v; else e.setAttribute(k, v);
  });
  children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c))));
  return e;
}

function show(section) {
  ["loading", "signin", "pending", "run"].forEach((id) => { $(id).hidden = id !== section; });
}

function when(t) {
  if (!t) return "";
  const d = new Date(t);
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

async function call(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && me) headers["X-CSRF-Token"] = me.csrf;
  const r = await fetch(API + path, {
    method, headers, credentials: "same-origin", cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = {};
  try { json = await r.json(); } catch (e) { json = { message: "the server answered " + r.status }; }
  return { status: r.status, ok: r.ok, json };
}

async function start() {
  $("signin-form").addEventListener("submit", signIn);
  $("signout").addEventListener("click", signOut);
  $("approve-button").addEventListener("click", approve);
  $("reject-button").addEventListener("click", reject);
  const r = await call("GET", "/me");
  if (r.status === 401) return signInPage(r.json.localPeople || []);
  if (!r.ok) return fatal(r.json.message);
  signedIn(r.json);
  route();
}

function route() {
  const m = location.pathname.match(/^\/console\/runs\/([^/]+)$/);
  if (m) return openRun(decodeURIComponent(m[1]));
  if (me.run) return openRun(me.run);
  return openPending();
}

function signInPage(localPeople) {
  show("signin");
  const select = $("as");
  select.replaceChildren();
  if (localPeople.length) {
    select.append(el("option", { value: "" }, "nobody else: the token is my own"));
    localPeople.forEach((n) => select.append(el("option", { value: n }, n)));
    $("as-row").hidden = false;
    $("token").previousElementSibling.textContent = "Your API token, or this dev's secret";
  }
}

async function signIn(ev) {
  ev.preventDefault();
  const body = { token: $("token").value };
  if (!$("as-row").hidden && $("as").value) body.as = $("as").value;
  $("token").value = "";
  const r = await call("POST", "/signin", body);
  if (!r.ok) {
    $("signin-error").textContent = r.json.message;
    $("signin-error").hidden = false;
    return;
  }
  $("signin-error").hidden = true;
  signedIn(r.json);
  route();
}

function signedIn(who) {
  me = who;
  $("who").textContent = who.person + (who.run ? " (this run only)" : "");
  $("who").hidden = false;
  $("signout").hidden = false;
}

async function signOut() {
  await call("POST", "/signout", {});
  me = null;
  location.assign("/console");
}

function fatal(message) {
  show("loading");
  $("loading").textContent = message;
}

async function openPending() {
  show("pending");
  const r = await call("GET", "/pending");
  if (!r.ok) return fatal(r.json.message);
  const list = $("pending-list");
  list.replaceChildren();
  r.json.runs.forEach((p) => {
    const a = el("a", { href: "/console/runs/" + encodeURIComponent(p.workflowId), className: "run-link" },
      el("strong", {}, p.workflowId),
      el("span", {}, p.severity + " · " + p.services.join(", ") + " · by " + p.requestedBy), el("br"),
      el("span", { className: "hint" }, p.reason), el("br"),
      el("span", { className: "time" }, "asked " + when(p.requestedAt) + " · needs " + p.required + " of "
        + p.roles.join(", ") + (p.approvedBy.length ? " · approved by " + p.approvedBy.join(", ") : "")));
    list.append(el("li", {}, a));
  });
  $("pending-empty").hidden = r.json.runs.length > 0;
}

async function openRun(id) {
  show("run");
  if (location.pathname !== "/console/runs/" + id) history.replaceState(null, "", "/console/runs/" + id);
  const r = await call("GET", "/runs/" + encodeURIComponent(id));
  if (!r.ok) return fatal(r.json.message);
  render(r.json);
}

function render(s) {
  shown = s;
  const a = s.pendingApproval;
  $("run-id").textContent = s.workflowId;
  $("run-phase").textContent = "Phase: " + s.phase + (s.waitingFor ? " (waiting for " + s.waitingFor + ")" : "")
    + (s.outcomeMessage ? " — " + s.outcomeMessage : "");
  $("run-services").textContent = (s.services || []).join(", ");
  $("run-severity").textContent = s.severity;
  $("run-reason").textContent = s.reason;
  $("run-requester").textContent = s.requestedBy;
  $("run-incident").textContent = s.incidentId || "none";
  $("run-approval").textContent = a
    ? "needs " + a.required + " of " + a.roles.join(", ") + "; approved by " + (a.approvedBy.length ? a.approvedBy.join(", ") : "nobody yet")
      + (a.abortsAt ? "; aborts at " + when(a.abortsAt) : "")
    : "not waiting for approval";
  $("vote").hidden = !(s.phase === "awaiting-approval" && a);
  renderPlan(s, a);
  renderDiscards(a && a.discards);
  const evidence = (s.steps || []).find((x) => x.id === "capture-evidence");
  $("evidence").textContent = evidence && evidence.detail ? evidence.detail : "Not captured yet.";
  renderSteps(s.steps || []);
  renderActions(s.actions || []);
}

function renderPlan(s, a) {
  const plan = a && a.plan && a.plan.length ? a.plan
    : (s.steps || []).map((x) => x.title + (x.planned && x.planned.length ? "\n  " + x.planned.join("\n  ") : ""));
  $("plan").textContent = plan.join("\n");
  $("plan-hash").textContent = a && a.planHash ? a.planHash : "none yet";
  const lapse = a && a.lapses > 0;
  $("lapse").hidden = !lapse;
  if (lapse) $("lapse").textContent = "Earlier approvals lapsed (" + a.lapses + "): " + (a.lapsedBecause || "the plan changed");
}

function renderDiscards(d) {
  const table = $("discards");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  const rows = d && d.tables ? d.tables : [];
  rows.forEach((t) => body.append(el("tr", {}, el("td", {}, t.table), el("td", { className: "n" }, t.inserted),
    el("td", { className: "n" }, t.updated), el("td", { className: "n" }, t.deleted), el("td", {}, when(t.newestChange)))));
  table.hidden = rows.length === 0;
  $("discards-none").hidden = rows.length > 0;
  $("salvage").hidden = !(d && d.salvage);
  if (d && d.salvage) $("salvage").textContent = "Salvage set kept in " + d.salvage + (d.script ? "; re-apply with " + d.script : "");
}

function renderSteps(steps) {
  $("steps").replaceChildren(...steps.map((x) => el("li", { "data-step": x.id },
    el("span", { className: "state " + x.state }, x.state), " ", x.title || x.id, " ",
    el("span", { className: "time" }, [x.startedAt ? "started " + when(x.startedAt) : "", x.finishedAt ? "ended " + when(x.finishedAt) : ""]
      .filter(Boolean).join(", ")),
    x.error ? el("div", { className: "hint" }, x.error) : "")));
}

function renderActions(actions) {
  $("actions").replaceChildren(...actions.map((x) => el("li", {},
    el("span", { className: "time" }, when(x.at)), " ", x.actor + " " + x.action + (x.detail ? ": " + x.detail : ""))));
}

function refused(message) {
  $("refusal").textContent = message;
  $("refusal").hidden = false;
}

async function vote(path, body) {
  ["approve-button", "reject-button"].forEach((b) => { $(b).disabled = true; });
  $("refusal").hidden = true;
  const r = await call("POST", "/runs/" + encodeURIComponent(shown.workflowId) + path, body);
  ["approve-button", "reject-button"].forEach((b) => { $(b).disabled = false; });
  if (!r.ok) {
    refused(r.json.message);
    const again = await call("GET", "/runs/" + encodeURIComponent(shown.workflowId));
    if (again.ok) { render(again.json); if (!$("vote").hidden) $("refusal").hidden = false; }
    return;
  }
  $("progress").textContent = r.json.message;
  $("progress").hidden = false;
  follow();
}

function approve() {
  const comment = $("approve-comment").value.trim();
  const a = shown.pendingApproval;
  vote("/approve", { comment: comment || null, planHash: a && a.planHash ? a.planHash : null });
}

function reject() {
  const reason = $("reject-reason").value.trim();
  if (!reason) return refused("Say why you reject: the reason is required and goes into the run's record.");
  vote("/reject", { reason });
}

function follow() {
  clearTimeout(polling);
  const tick = async () => {
    const r = await call("GET", "/runs/" + encodeURIComponent(shown.workflowId));
    if (r.ok) {
      render(r.json);
      const running = (r.json.steps || []).find((x) => x.state === "running");
      const done = TERMINAL.includes(r.json.phase);
      $("progress").textContent = done ? "The run ended: " + r.json.phase + (r.json.outcomeMessage ? " — " + r.json.outcomeMessage : "")
        : "Live: " + r.json.phase + (running ? ", running " + (running.title || running.id) : "");
      $("progress").hidden = false;
      $("progress").dataset.phase = r.json.phase;
      if (done) return;
    }
    polling = setTimeout(tick, POLL_MS);
  };
  tick();
}

start();
