// laminate door: checks signed pass payloads offline, the way `laminate
// verify` does (src/sign.rs, src/payload.rs), and keeps a scan log on the
// device. Written by `laminate door`; see docs/door.md.
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const state = { ready: false, busy: 0, last: null, log: [], keys: [], cryptoOk: true };
  window.__door = state;

  // ---- Reading a payload: mirrors Payload::decode and signed_part ----

  class Malformed extends Error {}
  const bad = (why) => { throw new Malformed(why); };
  const enc = new TextEncoder();
  const dec = new TextDecoder("utf-8", { fatal: true });
  // Rust's str::trim: the Unicode White_Space characters.
  const trim = (s) => s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, "");
  const digits = (s) => /^[0-9]*$/.test(s);

  function escapeKeepingCase(text) {
    let out = "";
    for (const c of text) {
      if (/^[A-Za-z0-9 .-]$/.test(c)) out += c;
      else for (const b of enc.encode(c)) out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
    }
    return out;
  }
  const escape = (text) => escapeKeepingCase(text.toUpperCase());

  function unescape(text) {
    const bytes = enc.encode(text);
    const out = [];
    for (let i = 0; i < bytes.length; ) {
      if (bytes[i] === 0x25) {
        const hex = i + 3 <= bytes.length && bytes[i + 1] < 0x80 && bytes[i + 2] < 0x80
          ? String.fromCharCode(bytes[i + 1], bytes[i + 2]) : null;
        // u8::from_str_radix takes two hex digits, or `+` and one.
        if (hex === null || !/^([0-9A-Fa-f]{2}|\+[0-9A-Fa-f])$/.test(hex)) bad(`bad escape in "${text}"`);
        out.push(parseInt(hex, 16));
        i += 3;
      } else {
        out.push(bytes[i]);
        i += 1;
      }
    }
    try {
      return dec.decode(new Uint8Array(out));
    } catch (e) {
      return bad(`escape in "${text}" is not UTF-8`);
    }
  }

  function daysIn(y, m) {
    return [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  }

  function parseDate(s) {
    if (s.length !== 8 || !digits(s)) bad(`"${s}" is not a date (YYYYMMDD)`);
    const y = +s.slice(0, 4), m = +s.slice(4, 6), d = +s.slice(6, 8);
    if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) bad(`"${s}" is not a date (YYYYMMDD)`);
    return { y, m, d, text: `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` };
  }

  // The latest instant jiff's Timestamp holds (9999-12-30T22:00:00.999999999Z).
  const MAX_TS = Date.UTC(9999, 11, 30, 22, 0, 0, 999);

  function utcMs(y, m, d, h, min) {
    const t = new Date(0);
    t.setUTCFullYear(y, m - 1, d);
    t.setUTCHours(h, min, 0, 0);
    return t.getTime();
  }

  function parseInstant(s) {
    const no = () => bad(`"${s}" is not an instant (YYYYMMDDHHMM, UTC)`);
    if (s.length !== 12 || !digits(s)) no();
    const h = +s.slice(8, 10), min = +s.slice(10, 12);
    if (h > 23 || min > 59) no();
    const date = parseDate(s.slice(0, 8));
    const ms = utcMs(date.y, date.m, date.d, h, min);
    if (ms > MAX_TS) no();
    return ms;
  }

  function parseEnd(start, s) {
    const no = () => bad(`"${s}" is not a length in minutes`);
    if (s.length === 0 || s.length > 7 || !digits(s)) no();
    const mins = +s;
    if (mins === 0) bad("the window is 0 minutes long");
    if (start + mins * 60000 > MAX_TS) no();
    return { end: start + mins * 60000, mins };
  }

  function parseOffset(s) {
    const no = () => bad(`"${s}" is not a UTC offset in minutes (+60, -300)`);
    if (s[0] !== "+" && s[0] !== "-") no();
    const ds = s.slice(1);
    if (ds.length === 0 || ds.length > 4 || !digits(ds)) no();
    const mins = (s[0] === "-" ? -1 : 1) * +ds;
    // jiff's offsets reach +-25:59:59.
    if (Math.abs(mins * 60) > 93599) no();
    return mins === 0 ? 0 : mins;
  }

  // u32 from Rust's str::parse: an optional `+`, then digits.
  function parseReprint(s) {
    const ds = s.startsWith("+") ? s.slice(1) : s;
    const n = ds.length > 0 && digits(ds) ? Number(ds) : NaN;
    if (!(n <= 4294967295)) bad(`reprint "${s}" is not a number`);
    return n;
  }

  function decode(text) {
    const fields = trim(text).split(":");
    let offset = null;
    if (fields[0] === "L1") {
      // whole days
    } else if (fields[0] === "L2" && fields.length > 6) {
      offset = fields.splice(6, 1)[0];
    } else if (fields[0] === "L2") {
      bad(`a version 2 payload has 10 or 11 fields separated by ':', this one has ${fields.length}`);
    } else {
      bad("not a laminate payload (it does not start with L1: or L2:)");
    }
    const extra = offset === null ? 0 : 1;
    if (fields.length !== 9 && fields.length !== 10) {
      bad(`a payload has ${9 + extra} or ${10 + extra} fields separated by ':', this one has ${fields.length + extra}`);
    }
    const [, e, id, p, f, u, z, r] = fields;
    const n = fields.length === 10 ? fields[8] : null;
    const signature = fields[fields.length - 1];
    const p2 = { id, signature, version: offset === null ? 1 : 2 };
    if (offset === null) {
      p2.from = parseDate(f);
      p2.until = parseDate(u);
    } else {
      const start = parseInstant(f);
      const { end, mins } = parseEnd(start, u);
      p2.hours = { start, end, mins, offset: parseOffset(offset), startText: f };
    }
    p2.zones = z === "" ? [] : z.split("+").map(unescape);
    p2.event = unescape(e);
    p2.pass = unescape(p);
    p2.reprint = parseReprint(r);
    p2.name = n === null ? null : unescape(n);
    return p2;
  }

  function signedPart(p) {
    const head = `${escape(p.event)}:${p.id}:${escape(p.pass)}`;
    const window = p.hours
      ? `L2:${head}:${p.hours.startText}:${p.hours.mins}:${p.hours.offset < 0 ? "-" : "+"}${Math.abs(p.hours.offset)}`
      : `L1:${head}:${p.from.text.replaceAll("-", "")}:${p.until.text.replaceAll("-", "")}`;
    const name = p.name === null ? "" : `${escapeKeepingCase(p.name)}:`;
    return `${window}:${p.zones.map(escape).join("+")}:${p.reprint}:${name}`;
  }

  // Unpadded RFC 4648 base32, upper case, as data_encoding's BASE32_NOPAD
  // reads it: a 64-byte signature is 103 characters whose last 3 bits are 0.
  function signatureBytes(s) {
    if (!/^[A-Z2-7]{103}$/.test(s)) return null;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const out = new Uint8Array(64);
    let acc = 0, bits = 0, k = 0;
    for (const c of s) {
      acc = (acc << 5) | alphabet.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[k++] = (acc >> bits) & 0xff;
      }
      acc &= (1 << bits) - 1;
    }
    return acc === 0 ? out : null;
  }

  // ---- Time, in the event's time zone (or the device's) ----

  const tz = (config.event && config.event.timezone) || undefined;
  const partsFormat = new Intl.DateTimeFormat("en-CA", {
    timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  function local(ms) {
    const o = {};
    for (const part of partsFormat.formatToParts(ms)) o[part.type] = part.value;
    return { date: `${o.year}-${o.month}-${o.day}`, time: `${o.hour}:${o.minute}` };
  }
  const pad2 = (n) => String(n).padStart(2, "0");
  // jiff's Offset display: +01, -02:30, +00.
  function offsetText(mins) {
    const a = Math.abs(mins);
    return `${mins < 0 ? "-" : "+"}${pad2(Math.floor(a / 60))}${a % 60 ? ":" + pad2(a % 60) : ""}`;
  }
  function atOffset(ms, mins) {
    const t = new Date(ms + mins * 60000);
    const y = String(t.getUTCFullYear()).padStart(4, "0");
    return `${y}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())} ${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}`;
  }
  const withOffset = (ms, mins) => `${atOffset(ms, mins)} (UTC${offsetText(mins)})`;

  // ---- Verifying: mirrors sign::verify, with the door's keys ----

  class Refusal {
    constructor(code, why) { this.code = code; this.why = why; }
  }
  const refuse = (code, why) => { throw new Refusal(code, why); };

  async function verify(text, now, zone) {
    let p;
    try {
      p = decode(text);
    } catch (e) {
      if (e instanceof Malformed) refuse("malformed", `not a valid pass: ${e.message}`);
      throw e;
    }
    if (p.signature === "U") refuse("unsigned", "the pass is not signed, so it proves nothing");
    const sig = signatureBytes(p.signature);
    const badSig = () => refuse("bad-signature", "the signature does not match: the payload was altered, or signed with another key");
    if (!sig) badSig();
    if (!state.cryptoOk) refuse("no-crypto", "this browser cannot check Ed25519 signatures (WebCrypto): update it");
    const message = enc.encode(signedPart(p));
    let key = null;
    for (const k of state.keys) {
      if (await crypto.subtle.verify({ name: "Ed25519" }, k.key, sig, message)) {
        key = k;
        break;
      }
    }
    if (!key) badSig();
    p.key = key;
    if (revoked(p.id, p.reprint)) refuse("revoked", "the pass is revoked");
    const latest = config.reprints[p.id];
    if (latest !== undefined && p.reprint < latest) {
      refuse("superseded", `the pass is superseded by a reprint: the valid card is reprint ${latest}`);
    }
    if (p.hours) {
      const h = p.hours;
      if (now < h.start) refuse("not-yet-valid", `the pass is not valid yet: it starts at ${withOffset(h.start, h.offset)}`);
      if (now >= h.end) refuse("expired", `the pass has expired: it ended at ${withOffset(h.end, h.offset)}`);
    } else {
      const day = local(now).date;
      if (day < p.from.text) refuse("not-yet-valid", `the pass is not valid yet: it starts on ${p.from.text}`);
      if (day > p.until.text) refuse("expired", `the pass has expired: its last day was ${p.until.text}`);
    }
    if (zone) {
      const want = zone.toUpperCase();
      if (!p.zones.some((have) => have === want || have === "ALL AREAS")) {
        refuse("wrong-zone", `the pass does not grant zone "${zone}"`);
      }
    }
    return p;
  }

  function revoked(id, reprint) {
    return config.revoked.some(([i, r]) => i === id && (r === null || r === reprint));
  }

  function windowText(p) {
    if (p.hours) return `${withOffset(p.hours.start, p.hours.offset)} to ${withOffset(p.hours.end, p.hours.offset).replace(/^\S+ /, "")}`;
    return `${p.from.text} to ${p.until.text}`;
  }

  // ---- The log (IndexedDB) ----

  let db = null;
  function openLog() {
    return new Promise((resolve) => {
      let req;
      try {
        req = indexedDB.open("laminate-door", 1);
      } catch (e) {
        resolve(null);
        return;
      }
      req.onupgradeneeded = () => req.result.createObjectStore("scans", { keyPath: "n", autoIncrement: true });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
    });
  }
  function loadLog() {
    return new Promise((resolve) => {
      if (!db) return resolve([]);
      const req = db.transaction("scans").objectStore("scans").getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve([]);
    });
  }
  function record(entry) {
    state.log.push(entry);
    showCount();
    if (!db) return Promise.resolve();
    return new Promise((resolve) => {
      const tx = db.transaction("scans", "readwrite");
      tx.objectStore("scans").add(entry);
      tx.oncomplete = resolve;
      tx.onerror = resolve;
    });
  }
  function showCount() {
    const n = state.log.length;
    $("log-count").textContent = `${n} scan${n === 1 ? "" : "s"} on this device${db ? "" : " (not kept: this browser gives the page no storage)"}`;
  }
  // The time this pass was last let in here, if it is still inside: an
  // admission with no exit after it, by this device's own log.
  function inside(event, id) {
    let at = null;
    for (const e of state.log) {
      if (e.event !== event || e.id !== id) continue;
      if (e.verdict === "admit") at = e;
      if (e.verdict === "exit") at = null;
    }
    return at;
  }

  const COLUMNS = ["time", "local", "door", "mode", "verdict", "reason", "event", "id", "reprint", "pass", "key"];
  // A cell a spreadsheet shows as text and never runs as a formula (CSV
  // injection, OWASP): ids and event codes come from payloads nobody has
  // verified yet, and door names are typed by staff. As the manifest's
  // spreadsheet_safe (laminate-passes, emit/manifest.rs): a cell that
  // starts with = + - @ | % a tab or a carriage return gets a leading ',
  // which spreadsheets do not show; a negative number stays as it is.
  // `laminate checkins merge` takes the ' off again; the JSON is exact.
  function spreadsheetSafe(s) {
    return /^[=+\-@|%\t\r]/.test(s) && !/^-[0-9.,]+$/.test(s) ? `'${s}` : s;
  }
  function csv() {
    const cell = (v) => {
      const s = spreadsheetSafe(v === null || v === undefined ? "" : String(v));
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    return [COLUMNS.join(","), ...state.log.map((e) => COLUMNS.map((c) => cell(e[c])).join(","))].join("\n") + "\n";
  }
  function json() {
    const scans = state.log.map((e) => Object.fromEntries(COLUMNS.map((c) => [c, e[c] ?? null])));
    return JSON.stringify({ format: "laminate-door-log", version: 1, exported: new Date().toISOString(), scans }, null, 1) + "\n";
  }
  function download(text, type, ext) {
    const l = local(Date.now());
    const door = ($("door-name").value || "door").replace(/[^A-Za-z0-9._-]+/g, "-");
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = `checkins-${door}-${l.date}-${l.time.replace(":", "")}.${ext}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  // ---- What door staff see and hear ----

  let audio = null;
  function signal(kind) {
    try {
      if (navigator.vibrate) navigator.vibrate(kind === "admit" ? 80 : [200, 80, 200]);
    } catch (e) { /* no vibration */ }
    try {
      audio = audio || new AudioContext();
      const o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = kind === "admit" ? 880 : kind === "warn" ? 520 : 220;
      g.gain.value = 0.15;
      o.connect(g).connect(audio.destination);
      o.start();
      o.stop(audio.currentTime + (kind === "admit" ? 0.12 : 0.35));
    } catch (e) { /* no sound */ }
  }

  let shrink = 0;
  function show(kind, word, detail) {
    const v = $("verdict");
    v.className = `${kind} full`;
    clearTimeout(shrink);
    shrink = setTimeout(() => v.classList.remove("full"), 2000);
    $("verdict-word").textContent = word;
    $("verdict-detail").textContent = detail;
  }

  async function scan(raw, source, t0) {
    state.busy += 1;
    const now = Date.now();
    const l = local(now);
    const text = trim(raw);
    const mode = $("mode").value;
    const zone = $("zone").value;
    const entry = { time: new Date(now).toISOString(), local: `${l.date} ${l.time}`, door: $("door-name").value, mode, verdict: "refuse", reason: "", event: "", id: "", reprint: "", pass: "", key: "" };
    let kind = "refuse", word = "REFUSE", detail;
    try {
      if (!/^L[12]:/.test(text) && /^[^\s:]{1,64}$/.test(text)) {
        // A pass id typed by hand: nothing to verify, but the lists and the log say something.
        entry.id = text;
        entry.reason = "not-verified";
        kind = "warn";
        const last = [...state.log].reverse().find((e) => e.id === text);
        detail = `${text} typed by hand: not verified (an id alone proves nothing).\nCheck the card and the photo by eye.`;
        if (config.revoked.some(([i]) => i === text)) detail += "\nThis id is on the revocation list.";
        if (config.reprints[text] !== undefined) detail += `\nOnly reprint ${config.reprints[text]} of this pass is valid.`;
        if (last) detail += `\nLast scan here: ${last.local.slice(11)}, ${last.verdict}${last.reason ? " (" + last.reason + ")" : ""}.`;
      } else {
        const p = await verify(text, now, zone);
        Object.assign(entry, { event: p.event, id: p.id, reprint: p.reprint, pass: p.pass, key: p.key.fingerprint });
        const who = p.name ? `${p.name}\n` : "";
        const about = `${who}${p.pass} · ${p.zones.join(", ") || "no zones"}\nvalid ${windowText(p)}\n${p.id}${p.reprint ? " (reprint " + p.reprint + ")" : ""} · key ${p.key.fingerprint}`;
        const before = inside(p.event, p.id);
        if (mode === "exit") {
          entry.verdict = "exit";
          kind = "admit";
          word = "ADMIT";
          detail = `OUT: exit recorded at ${l.time}\n${about}`;
        } else if (before) {
          entry.reason = "already-inside";
          kind = "warn";
          detail = `already admitted here at ${before.local.slice(11)}\n${about}`;
        } else {
          entry.verdict = "admit";
          kind = "admit";
          word = "ADMIT";
          detail = about;
        }
      }
    } catch (caught) {
      // Anything else that goes wrong is a refusal too: the door never
      // stalls, and never admits what it could not check.
      const e = caught instanceof Refusal ? caught : new Refusal("error", `the page could not check it: ${caught && caught.message}`);
      entry.reason = e.code;
      detail = e.why;
      try {
        const p = decode(text);
        Object.assign(entry, { event: p.event, id: p.id, reprint: p.reprint, pass: p.pass });
        detail += `\n${p.id}`;
      } catch (ignored) { /* not a payload */ }
    }
    show(kind, word, detail);
    const ms = performance.now() - t0;
    state.last = { text: $("verdict").textContent, word, reason: entry.reason, ms, source };
    signal(kind);
    await record(entry);
    state.busy -= 1;
    return state.last;
  }

  // ---- Input: the keyboard wedge, typing ----

  let typed = "", lastKey = 0;
  document.addEventListener("keydown", (ev) => {
    if (ev.target === $("typed") || ev.target === $("door-name") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = performance.now();
    // A scanner types fast; a pause means a person, and starts afresh.
    if (t - lastKey > 300) typed = "";
    lastKey = t;
    if (ev.key === "Enter") {
      if (typed.length >= 3) {
        ev.preventDefault();
        const text = typed;
        typed = "";
        scan(text, "scanner", t);
      }
    } else if (ev.key.length === 1) {
      typed += ev.key;
      ev.preventDefault();
    }
  }, true);

  $("manual").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = performance.now();
    const text = $("typed").value;
    $("typed").value = "";
    if (trim(text)) scan(text, "typed", t);
  });

  // ---- The camera: zxing-cpp (WebAssembly), and BarcodeDetector where there is one ----

  // The decoder's WebAssembly is inlined gzipped and in base64 (an element
  // the browser does not run); it is compiled when the page opens, so that
  // the first frame is read at once. The CSP allows compiling it
  // ('wasm-unsafe-eval') and nothing else.
  let zxing = null;
  const zxingReady = (async () => {
    if (typeof WebAssembly !== "object") throw new Error("this browser runs no WebAssembly (on an iPhone, Lockdown Mode turns it off)");
    const b64 = $("zxing-wasm").textContent.trim();
    const gz = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const wasm = await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    await window.ZXingWASM.prepareZXingModule({ overrides: { wasmBinary: wasm }, fireImmediately: true });
    zxing = window.ZXingWASM;
  })();
  zxingReady.catch(() => {});

  // zxing-cpp's options, measured on the door grid (docs/door.md): without
  // downscaling it read 17 frames of 27, with it 20; trying harder,
  // rotated (a card held sideways) and inverted read no fewer, for little.
  const READ = { formats: ["QRCode"], maxNumberOfSymbols: 1, tryHarder: true, tryRotate: true, tryInvert: true, tryDownscale: true };
  // Frame by frame, the whole picture at up to 1280 px wide (the camera's
  // own pixels at 720p), then scaled to 960 px (which averages out noise
  // in dim light): each reads frames the other misses.
  const WIDTHS = [1280, 960];

  let stream = null, detector = null, lastText = "", lastAt = 0, turn = 0;
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });

  async function detect(video) {
    const k = turn++;
    // Where the browser has its own detector, it and zxing-cpp take turns.
    if (detector && (!zxing || k % 2 === 0)) {
      const codes = await detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    }
    const width = Math.min(video.videoWidth, WIDTHS[Math.floor(k / (detector ? 2 : 1)) % WIDTHS.length]);
    canvas.width = width;
    canvas.height = Math.round(video.videoHeight * width / video.videoWidth);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const found = await zxing.readBarcodes(ctx.getImageData(0, 0, canvas.width, canvas.height), READ);
    return found.length ? found[0].text : null;
  }

  // A frame is read once: requestVideoFrameCallback says when a new one is
  // shown (where a browser lacks it, every turn reads the picture).
  let shown = 0, read = -1;
  function watchFrames(video) {
    if (!video.requestVideoFrameCallback) return;
    const next = (now, meta) => {
      shown = meta.presentedFrames;
      if (stream) video.requestVideoFrameCallback(next);
    };
    video.requestVideoFrameCallback(next);
  }

  async function tick() {
    const video = $("video");
    if (!stream) return;
    const fresh = !video.requestVideoFrameCallback || shown !== read;
    const go = fresh && video.readyState >= 2 && video.videoWidth > 0 && state.busy === 0;
    if (go) {
      read = shown;
      const t0 = performance.now();
      state.frames = (state.frames || 0) + 1;
      const text = await detect(video).catch(() => null);
      // The same code held in front of the camera is one scan.
      if (text && !(text === lastText && Date.now() - lastAt < 3000)) {
        lastText = text;
        lastAt = Date.now();
        await scan(text, "camera", t0);
      }
    }
    setTimeout(tick, go ? 0 : 8);
  }

  async function camera() {
    const button = $("camera-toggle");
    if (stream) {
      stream.getTracks().forEach((t) => t.stop());
      stream = null;
      $("camera").hidden = true;
      button.textContent = "Start camera";
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      warn("No camera here: the browser gives cameras only to pages opened from disk or over https (see docs/door.md). A scanner or typing still works.");
      return;
    }
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) { detector = null; }
    }
    try {
      await zxingReady;
    } catch (e) {
      if (!detector) {
        warn(`The camera cannot read codes here: ${e.message}. A scanner or typing still works.`);
        return;
      }
    }
    try {
      // 1080p where the camera has it: more pixels a module on a card held far off.
      stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: "environment", width: { ideal: 1920 }, height: { ideal: 1080 } } });
    } catch (e) {
      warn(`No camera: ${e.message || e.name}. A scanner or typing still works.`);
      return;
    }
    // Continuous focus where the camera offers it, so that a card brought
    // close is sharp again without a tap.
    const [track] = stream.getVideoTracks();
    const caps = track && track.getCapabilities ? track.getCapabilities() : {};
    if (caps.focusMode && caps.focusMode.includes("continuous")) {
      await track.applyConstraints({ advanced: [{ focusMode: "continuous" }] }).catch(() => {});
    }
    state.decoder = [detector && "BarcodeDetector", zxing && "zxing-cpp"].filter(Boolean).join(" + ");
    const video = $("video");
    video.srcObject = stream;
    $("camera").hidden = false;
    button.textContent = "Stop camera";
    await video.play().catch(() => {});
    watchFrames(video);
    tick();
  }
  $("camera-toggle").addEventListener("click", camera);

  // ---- Warnings: the clock, the browser ----

  const warnings = new Map();
  function warn(text, key = text) {
    warnings.set(key, text);
    $("warnings").textContent = [...warnings.values()].join("\n");
  }
  function checkClock() {
    const now = Date.now();
    const created = Date.parse(config.created);
    const l = local(now);
    let note = `This device's clock: ${l.date} ${l.time}${tz ? " (" + tz + ")" : ""}. Page made ${config.created}.`;
    warnings.delete("clock");
    if (now < created - 10 * 60000) {
      warn(`Check this device's clock: it says ${l.date} ${l.time}, before this page was made (${config.created}). Dates and hours are checked against it.`, "clock");
    } else if (config.event) {
      const day = (d, n) => { const t = new Date(`${d}T12:00:00Z`); t.setUTCDate(t.getUTCDate() + n); return t.toISOString().slice(0, 10); };
      if (l.date < day(config.event.starts, -1) || l.date > day(config.event.ends, 1)) {
        warn(`Check this device's clock: it says ${l.date}, and the event runs ${config.event.starts} to ${config.event.ends}.`, "clock");
      }
      note += ` Event: ${config.event.starts} to ${config.event.ends}.`;
    }
    $("warnings").textContent = [...warnings.values()].join("\n");
    $("clock").textContent = note;
  }

  // ---- Start ----

  async function start() {
    const ev = config.event;
    $("event").textContent = ev ? `${ev.name}${ev.venue ? ", " + ev.venue : ""} · ${ev.starts} to ${ev.ends}` : "Door";
    const keyList = $("keys");
    for (const k of config.keys) {
      const li = document.createElement("li");
      li.textContent = `key ${k.fingerprint} (${k.label})`;
      keyList.append(li);
    }
    $("lists").textContent = `${config.revoked.length} revoked, ${Object.keys(config.reprints).length} reprinted passes known. Page from laminate ${config.version}.`;
    const zone = $("zone");
    zone.append(new Option("any (not checked)", ""));
    for (const z of config.zones) zone.append(new Option(z, z));
    if (config.zone_checked && config.zones.length) zone.value = config.zones[0];
    const name = $("door-name");
    name.value = localStorage.getItem("laminate-door-name") || config.door;
    name.addEventListener("change", () => localStorage.setItem("laminate-door-name", name.value));
    const mode = $("mode");
    mode.value = localStorage.getItem("laminate-door-mode") || "entry";
    mode.addEventListener("change", () => localStorage.setItem("laminate-door-mode", mode.value));
    $("export-csv").addEventListener("click", () => download(csv(), "text/csv", "csv"));
    $("export-json").addEventListener("click", () => download(json(), "application/json", "json"));
    try {
      for (const k of config.keys) {
        const raw = new Uint8Array(k.hex.match(/../g).map((h) => parseInt(h, 16)));
        state.keys.push({ ...k, key: await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]) });
      }
    } catch (e) {
      state.cryptoOk = false;
      warn("This browser cannot check Ed25519 signatures (WebCrypto Ed25519 needs Chrome 137+, Firefox 129+ or Safari 17+). Update it, or use another browser: every pass is refused here until then.");
    }
    db = await openLog();
    state.log = await loadLog();
    showCount();
    checkClock();
    setInterval(checkClock, 60000);
    // https, or http on localhost (a secure context too); never from a file.
    if (config.pwa && window.isSecureContext && location.protocol.startsWith("http") && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(config.pwa.worker).catch((e) => warn(`Not installable offline: ${e.message}`));
    }
    state.ready = true;
  }
  start();
})();
