// netsurvey field: a little plain JavaScript over server-rendered pages.
// Every change is a POST answered only after the record is fsync'd; the page then
// re-reads its live parts from the server (which reads the visit files).
"use strict";

const csrf = document.querySelector('meta[name="csrf"]').content;
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function toast(text, kind) {
  const box = $("#toast");
  box.textContent = text;
  box.className = "toast " + (kind || "");
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    body: body,
    headers: { "X-CSRF-Token": csrf },
    credentials: "same-origin",
  });
  let data;
  try { data = await response.json(); } catch (e) { data = { ok: false, error: response.status + " " + response.statusText }; }
  if (!response.ok && data.ok === undefined) data.ok = false;
  data.httpStatus = response.status;
  return data;
}

function showResult(target, data) {
  const lines = data.error ? ["Not saved: " + data.error] : (data.summary || []).slice();
  if (data.saved && lines.length && lines[0].startsWith("Saved ")) lines[0] = lines[0].slice(6);
  const text = (data.saved ? "Saved ✓ " : "") + lines.join("\n");
  if (target) {
    target.textContent = text;
    target.className = "result " + (data.error ? "error" : (data.ok ? "ok" : "warn"));
  }
  toast(text, data.error ? "error" : "ok");
}

// ---------------------------------------------------------------- live parts

async function refreshParts() {
  const page = document.body.dataset.page;
  if (page === "wifi") return refreshWifi();
  for (const box of $$("[data-parts]")) {
    const response = await fetch(box.dataset.parts, { credentials: "same-origin" });
    if (!response.ok) continue;
    const data = await response.json();
    const html = Object.values(data)[0];
    if (typeof html === "string") box.innerHTML = html;
  }
  bindForms(document);
}

// Events come in bursts (a point = a record + a manifest): one refresh per burst, and
// one more if something changed while it ran.
let refreshing = false, again = false, timer = null;
function scheduleRefresh() {
  if (refreshing) { again = true; return; }
  clearTimeout(timer);
  timer = setTimeout(async () => {
    refreshing = true;
    try { await refreshParts(); } finally {
      refreshing = false;
      if (again) { again = false; scheduleRefresh(); }
    }
  }, 150);
}

function listen() {
  if (!window.EventSource) return;
  const live = $("#live");
  const source = new EventSource("/events");
  source.onopen = () => live && live.classList.add("on");
  source.onerror = () => live && live.classList.remove("on");
  for (const name of ["visit", "job", "run"]) source.addEventListener(name, scheduleRefresh);
}

// ---------------------------------------------------------------- forms

function bindForms(root) {
  for (const form of $$("form[data-post]", root)) {
    if (form.dataset.bound) continue;
    form.dataset.bound = "1";
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
      const body = new FormData(form);
      if (form.dataset.roomFrom) body.set("room", $("#" + form.dataset.roomFrom).value);
      const buttons = $$("button[type=submit]", form);
      buttons.forEach((b) => { b.disabled = true; });
      const target = form.dataset.result ? $("#" + form.dataset.result) : $(".result", form);
      if (target) { target.textContent = "Saving…"; target.className = "result busy"; }
      try {
        const data = await post(form.dataset.post, body);
        showResult(target, data);
        if (data.ok || data.saved) {
          if (form.dataset.reset !== undefined) form.reset();
          form.dispatchEvent(new CustomEvent("saved", { detail: data }));
          await refreshParts();
        } else if (data.httpStatus === 409) {
          await refreshParts();
        }
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
        form.dispatchEvent(new CustomEvent("done"));
      }
    });
  }
  for (const button of $$("button[data-post]", root)) {
    if (button.dataset.bound) continue;
    button.dataset.bound = "1";
    button.addEventListener("click", async () => {
      button.disabled = true;
      try { showResult(null, await post(button.dataset.post, new FormData())); await refreshParts(); }
      finally { button.disabled = false; }
    });
  }
  for (const select of $$('select[name="sequencing"]', root)) {
    const form = select.form;
    const apply = () => $$(".when-sequenced", form).forEach((el) => {
      el.hidden = select.value !== "sequenced";
      $$("input", el).forEach((input) => { input.disabled = el.hidden; });
    });
    select.addEventListener("change", apply);
    apply();
  }
}

// ---------------------------------------------------------------- Wi-Fi walk

const walk = { metric: "signal", spot: null };

function roomsData() {
  const node = $("#rooms-data");
  return node ? JSON.parse(node.textContent) : [];
}

function roomAt(x, y) {
  const rooms = roomsData();
  const inside = rooms.filter((r) => x >= r.x0_m && x <= r.x0_m + r.width_m && y >= r.y0_m && y <= r.y0_m + r.depth_m);
  if (inside.length) return inside.sort((a, b) => a.width_m * a.depth_m - b.width_m * b.depth_m)[0];
  let best = null, bestD = Infinity;
  for (const r of rooms) {
    const dx = r.x0_m + r.width_m / 2 - x, dy = r.y0_m + r.depth_m / 2 - y, d = dx * dx + dy * dy;
    if (d < bestD) { best = r; bestD = d; }
  }
  return best;
}

function setSpot(x, y) {
  const box = $("#walk");
  const w = parseFloat(box.dataset.widthM), h = parseFloat(box.dataset.heightM);
  x = Math.min(Math.max(x, 0), w); y = Math.min(Math.max(y, 0), h);
  walk.spot = { x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100 };
  $("#x_m").value = walk.spot.x; $("#y_m").value = walk.spot.y;
  const marker = $("#marker");
  marker.style.left = (100 * x / w) + "%"; marker.style.top = (100 * y / h) + "%";
  marker.hidden = false;
  const room = roomAt(x, y);
  if (room) $("#room").value = room.id;
  $("#where").textContent = "Spot " + walk.spot.x.toFixed(1) + " m, " + walk.spot.y.toFixed(1) + " m" + (room ? " · room " + room.id : "");
  $("#measure-button").disabled = false;
  if (window.matchMedia("(max-width: 820px)").matches) {
    $("#measure").scrollIntoView({ behavior: "smooth", block: "nearest" });
  }
}

function clearSpot() {
  walk.spot = null;
  $("#marker").hidden = true;
  $("#measure-button").disabled = true;
  $("#where").textContent = "No spot chosen yet.";
}

function heatUrl() {
  const box = $("#walk");
  return "/wifi/heat/" + encodeURIComponent(box.dataset.floor) + ".png?metric=" + walk.metric + "&v=" + encodeURIComponent(box.dataset.version);
}

async function refreshWifi() {
  const box = $("#walk");
  if (!box) return;
  const response = await fetch("/wifi/parts?floor=" + encodeURIComponent(box.dataset.floor), { credentials: "same-origin" });
  if (!response.ok) return;
  const data = await response.json();
  $("#overlay").innerHTML = data.overlay;
  $("#checklist").innerHTML = data.checklist;
  $("#last").innerHTML = data.last;
  if (box.dataset.version !== data.version) {
    box.dataset.version = data.version;
    $("#heat").src = heatUrl();
  }
  box.dataset.points = data.points;
  bindForms(box);
}

function setupWalk() {
  const box = $("#walk");
  if (!box) return;
  const map = $("#map");
  map.style.aspectRatio = box.dataset.widthM + " / " + box.dataset.heightM;
  map.addEventListener("click", (event) => {
    const rect = map.getBoundingClientRect();
    const w = parseFloat(box.dataset.widthM), h = parseFloat(box.dataset.heightM);
    setSpot((event.clientX - rect.left) / rect.width * w, (event.clientY - rect.top) / rect.height * h);
  });
  const form = $("#measure");
  form.addEventListener("submit", () => {
    $("#measure-button").textContent = "Measuring…";
  }, true);
  form.addEventListener("done", () => {
    $("#measure-button").innerHTML = "Measure here <kbd>Enter</kbd>";
    clearSpot();
  });
  for (const chip of $$(".metric")) {
    chip.addEventListener("click", () => {
      walk.metric = chip.dataset.metric;
      $$(".metric").forEach((c) => c.classList.toggle("on", c === chip));
      $("#heat").src = heatUrl();
    });
  }
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName);
    if (event.key === "Escape") { clearSpot(); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (event.key === "Enter" && walk.spot && !$("#measure-button").disabled) { event.preventDefault(); form.requestSubmit(); }
    else if (key === "u" && $("#undo")) { event.preventDefault(); $("#undo").requestSubmit(); }
    else if (key === "s" && $("#skip-reason")) { event.preventDefault(); $("#skip-room").value = $("#room").value; $("#skip-reason").focus(); }
    else if (key === "h") {
      const chips = $$(".metric");
      const next = chips[(chips.findIndex((c) => c.dataset.metric === walk.metric) + 1) % chips.length];
      if (next) next.click();
    }
  });
}

function setupDashboard() {
  document.addEventListener("keydown", (event) => {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key.toLowerCase() === "r" && $("#survey-start")) { event.preventDefault(); $("#survey-start").click(); }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  bindForms(document);
  setupWalk();
  if (document.body.dataset.page === "survey") setupDashboard();
  listen();
});
