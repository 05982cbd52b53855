// The class-test seat page: the same protocol as netsurvey/classtest/client.py.
// Plain JavaScript, no external resources; every URL is relative to the page.
"use strict";

(function () {
  const POLL_MS = 500;
  const TEXT = {
    lv: {
      room: "Telpa", seat: "Vieta", joining: "Pievienojas…", waiting: "Gaidām, kad tehniķis sāks testu.",
      running: "Tests notiek: neaizver šo cilni.", done: "Paldies! Tests ir beidzies.",
      late: "Tests jau notiek: pagaidi līdz nākamajam.", reloaded: "Lapa tika pārlādēta: šī vieta gaida testa beigas.",
      lost: "Savienojums ar tehniķa datoru pārtrūka.", download: "Lejupielāde", upload: "Augšupielāde",
      video: "Video", sustained: "nepārtraukts", stalled: "apstājās",
      privacy: "Saglabā tikai vietas numuru. Neaizver šo cilni.",
    },
    en: {
      room: "Room", seat: "Seat", joining: "Joining…", waiting: "Waiting for the technician to start the test.",
      running: "Test running: keep this tab open.", done: "Thank you! The test is over.",
      late: "The test is already running: wait for the next one.", reloaded: "The page was reloaded: this seat waits for the end of the test.",
      lost: "Lost the connection to the technician's laptop.", download: "Download", upload: "Upload",
      video: "Video", sustained: "sustained", stalled: "stalled",
      privacy: "Only a seat number is stored. Keep this tab open.",
    },
  };
  const lang = (navigator.language || "lv").toLowerCase().startsWith("lv") ? "lv" : "en";
  const t = (key) => TEXT[lang][key];

  const $ = (id) => document.getElementById(id);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const now = () => performance.now() / 1000;
  const sleepUntil = (moment) => sleep(Math.max(0, (moment - now()) * 1000));

  function say(key) { $("status").textContent = t(key); }

  function seatKey() {
    const name = "netsurvey-class-seat-key";
    let key = null;
    try { key = localStorage.getItem(name); } catch (e) { key = null; }
    if (!key) {
      const bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      try { localStorage.setItem(name, key); } catch (e) { /* private mode: a reload gets a new seat */ }
    }
    return key;
  }

  async function json(response) {
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  function connectionType() {
    const connection = navigator.connection;
    return connection && connection.type ? String(connection.type) : null;
  }

  class Bins {
    constructor(start, binS, end) { this.start = start; this.binS = binS; this.end = end; this.counts = []; this.total = 0; }
    add(count, at) {
      if (at >= this.end) return;
      const index = Math.max(0, Math.floor((at - this.start) / this.binS));
      while (this.counts.length <= index) this.counts.push(0);
      this.counts[index] += count;
      this.total += count;
    }
  }

  const seat = { number: null, instance: null };

  async function join() {
    const body = { seat_key: seatKey(), client: "browser", user_agent: navigator.userAgent, connection_type: connectionType() };
    const answer = await json(await fetch("api/join", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), cache: "no-store",
    }));
    seat.number = answer.seat;
    seat.instance = answer.instance;
    $("seat").textContent = t("seat") + " " + answer.seat;
    return answer;
  }

  async function state() {
    const response = await fetch("api/state?instance=" + encodeURIComponent(seat.instance), { cache: "no-store" });
    return [await json(response), now()];
  }

  async function until(end, jobs) {
    const controller = new AbortController();
    const running = jobs.map((job) => job(controller.signal).catch(() => null));
    await Promise.race([Promise.all(running), sleepUntil(end)]);
    controller.abort();
    await Promise.all(running);
  }

  async function download(bins, signal) {
    const response = await fetch("api/download?instance=" + encodeURIComponent(seat.instance), { cache: "no-store", signal });
    if (!response.ok) return;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      bins.add(value.byteLength, now());
    }
  }

  async function upload(payload, signal) {
    const url = "api/upload?instance=" + encodeURIComponent(seat.instance);
    while (!signal.aborted) {
      const response = await fetch(url, { method: "POST", body: payload, cache: "no-store", signal });
      if (!response.ok) return;
      await response.arrayBuffer();
    }
  }

  async function pings(intervalS, out, signal) {
    while (!signal.aborted) {
      const sent = now();
      const response = await fetch("api/ping", { cache: "no-store", signal });
      await response.arrayBuffer();
      out.push(now() - sent);
      await sleep(Math.max(0, (intervalS - (now() - sent)) * 1000));
    }
  }

  // Pull the paced stream and report progress every video_report_s; stop when the
  // server says so (the seat does not fit) or, on its own, once further behind than
  // the player buffer. Returns when it stopped (seconds into the phase), or null.
  async function video(bins, plan) {
    const rateBps = plan.video_rate_bps;
    const bufferS = plan.player_buffer_s;
    const controller = new AbortController();
    let ended = false;
    const reading = (async () => {
      try {
        const response = await fetch("api/video?instance=" + encodeURIComponent(seat.instance), { cache: "no-store", signal: controller.signal });
        if (!response.ok) return;
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          bins.add(value.byteLength, now());
        }
      } catch (e) {
        /* the stream ended or was stopped; the bins say whether the seat kept up */
      } finally {
        ended = true;
      }
    })();
    const progressUrl = "api/video-progress?instance=" + encodeURIComponent(seat.instance);
    try {
      while (!ended) {
        await sleep(plan.video_report_s * 1000);
        const at = now();
        if (at >= bins.end) break;
        const behindS = (at - bins.start) - (bins.total * 8) / rateBps;
        if (behindS > bufferS) return at - bins.start;
        const answer = await json(await fetch(progressUrl, {
          method: "POST", headers: { "Content-Type": "application/json" }, cache: "no-store",
          body: JSON.stringify({ at_s: at - bins.start, received_bytes: bins.total, behind_s: behindS }),
        }));
        if (answer.stop) return at - bins.start;
      }
      await Promise.race([reading, sleepUntil(bins.end + 1)]);
      return null;
    } finally {
      controller.abort();
    }
  }

  function randomPayload(size) {
    const payload = new Uint8Array(size);
    for (let offset = 0; offset < size; offset += 65536) {
      crypto.getRandomValues(payload.subarray(offset, Math.min(size, offset + 65536)));
    }
    return payload;
  }

  function showProgress(start, total) {
    const bar = $("progress");
    bar.hidden = false;
    const timer = setInterval(() => { bar.value = Math.min(1, (now() - start) / total); }, 250);
    return () => { clearInterval(timer); bar.value = 1; };
  }

  async function schedule(answer, receivedAt) {
    const plan = answer.plan;
    const phase = {};
    for (const p of answer.phases) phase[p.name] = { start: receivedAt + p.starts_in_s, length: p.duration_s };
    const binS = plan.bin_s;
    const streams = plan.streams_per_seat;
    const rtt = [];
    const payload = randomPayload(plan.upload_chunk_bytes);
    const stop = showProgress(receivedAt - answer.elapsed_s, plan.phases[plan.phases.length - 1].start_s + plan.phases[plan.phases.length - 1].duration_s);

    const d = phase.download;
    const downloadBins = new Bins(d.start, binS, d.start + d.length);
    await sleepUntil(d.start);
    await until(d.start + d.length, [
      ...Array.from({ length: streams }, () => (signal) => download(downloadBins, signal)),
      (signal) => pings(plan.rtt_interval_s, rtt, signal),
    ]);
    const u = phase.upload;
    await sleepUntil(u.start);
    await until(u.start + u.length, [
      ...Array.from({ length: streams }, () => (signal) => upload(payload, signal)),
      (signal) => pings(plan.rtt_interval_s, rtt, signal),
    ]);
    const v = phase.video;
    await sleepUntil(v.start);
    const videoBins = new Bins(v.start, binS, v.start + v.length);
    const stalledAt = await video(videoBins, plan);
    stop();
    return { download_bins: downloadBins.counts, video_bins: videoBins.counts, rtt_s: rtt, video_stalled_at_s: stalledAt };
  }

  function showMine(mine) {
    if (!mine) return;
    const mbit = (bps) => (bps === null || bps === undefined ? "–" : (bps / 1e6).toFixed(1) + " Mbit/s");
    $("mine-download").textContent = mbit(mine.download_bps);
    $("mine-upload").textContent = mbit(mine.upload_bps);
    $("mine-video").textContent = mine.video_sustained === null ? "–" : t(mine.video_sustained ? "sustained" : "stalled");
    $("mine").hidden = false;
  }

  async function waitDone() {
    for (;;) {
      const [answer] = await state();
      if (answer.state === "done") { say("done"); showMine(answer.mine); window.classTestDone = true; return; }
      await sleep(POLL_MS);
    }
  }

  async function main() {
    for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
    say("joining");
    const joined = await join();
    if (joined.role !== "participant") { say(joined.role === "reloaded" ? "reloaded" : "late"); return waitDone(); }
    say("waiting");
    for (;;) {
      const [answer, receivedAt] = await state();
      if (answer.state === "done" || answer.role !== "participant") { say(answer.role === "participant" ? "done" : answer.role); return waitDone(); }
      if (answer.state === "running" && answer.phases) {
        say("running");
        const samples = await schedule(answer, receivedAt);
        await json(await fetch("api/result?instance=" + encodeURIComponent(seat.instance), {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(samples), cache: "no-store",
        }));
        return waitDone();
      }
      await sleep(POLL_MS);
    }
  }

  main().catch((error) => { say("lost"); window.classTestError = String(error); });
})();
