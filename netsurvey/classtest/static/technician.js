// The technician's page: open a class test for a room, show the QR code, watch
// seats join, start the test, read the results. URLs are relative to the page.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const mbit = (bps) => (bps === null || bps === undefined ? "–" : (bps / 1e6).toFixed(1));
  let shownUrl = null;

  async function call(path, body) {
    const options = body === undefined ? { cache: "no-store" }
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const response = await fetch(path, options);
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  function showError(error) {
    $("error").hidden = !error;
    $("error").textContent = error ? String(error.message || error) : "";
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
  }

  function laptopWarning(link) {
    if (!link) return null;
    if (link.limited_by_laptop) return "The laptop's own link was the limit (" + link.kind + "): connect it to a gigabit port and test again.";
    if (link.may_limit_class) return "The laptop is on " + (link.kind === "wifi" ? "Wi-Fi" : "a port of 100 Mbit/s or less") + ": it may cap the class. Use a gigabit port.";
    return null;
  }

  function render(data) {
    $("open-form").hidden = data.state === "joining" || data.state === "running";
    $("session").hidden = data.state === null;
    if (data.state === null) return;
    $("session-room").textContent = data.room;
    if (data.join_url !== shownUrl) {
      shownUrl = data.join_url;
      $("join-url").textContent = data.join_url;
      $("qr").src = "qr.svg?u=" + encodeURIComponent(data.join_url);
    }
    $("joined").textContent = String(data.seats.length);
    $("start").hidden = data.state !== "joining";
    $("new").hidden = data.state !== "done";
    const bar = $("progress");
    bar.hidden = data.state !== "running";
    if (data.state === "running" && data.elapsed_s !== null) bar.value = Math.min(1, data.elapsed_s / data.total_s);
    const local = /^https?:\/\/(localhost|127\.|\[::1\])/.test(data.join_url || "");
    const warning = local ? "This address is the laptop's own (localhost): pupils' devices cannot reach it. Serve on the LAN address."
      : laptopWarning(data.result ? data.result.laptop_link : data.laptop_link);
    $("laptop").hidden = !warning;
    $("laptop").textContent = warning || "";
    const bySeat = {};
    if (data.result) for (const seat of data.result.seats) bySeat[seat.seat] = seat;
    const body = $("seats");
    body.replaceChildren();
    for (const seat of data.seats) {
      const row = document.createElement("tr");
      const measured = bySeat[seat.seat] || {};
      cell(row, String(seat.seat));
      cell(row, seat.client);
      cell(row, seat.connection_type || "–");
      cell(row, mbit(measured.download_bps));
      cell(row, mbit(measured.upload_bps));
      cell(row, measured.video_sustained === undefined || measured.video_sustained === null ? "–" : measured.video_sustained ? "sustained" : "stalled");
      cell(row, measured.rtt_p50_s ? (measured.rtt_p50_s * 1000).toFixed(0) : "–");
      cell(row, seat.flags.join(", "), seat.flags.length ? "flagged" : "");
      body.appendChild(row);
    }
    if (data.result) {
      const r = data.result;
      $("summary").textContent = "Full seats " + r.seats_full + " of " + r.seats_joined
        + ". Class download " + mbit(r.aggregate_download_bps) + " Mbit/s, upload " + mbit(r.aggregate_upload_bps)
        + " Mbit/s, fairness " + (r.jain_fairness === null ? "–" : r.jain_fairness.toFixed(2))
        + ". " + r.video_sustained_count + "/" + r.seats_full + " seats sustained " + (r.video_rate_bps / 1e6).toFixed(1) + " Mbit/s video.";
    } else {
      $("summary").textContent = "";
    }
  }

  async function refresh() {
    try {
      const data = await call("api/state");
      render(data);
      showError(data.record_error || null);
    } catch (error) {
      showError(error);
    }
  }

  $("open-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await call("api/open", { room: $("room").value }); showError(null); } catch (error) { showError(error); }
    refresh();
  });
  $("start").addEventListener("click", async () => {
    try { await call("api/start", {}); showError(null); } catch (error) { showError(error); }
    refresh();
  });
  $("new").addEventListener("click", () => { $("open-form").hidden = false; $("session").hidden = true; });
  refresh();
  setInterval(refresh, 1000);
})();
