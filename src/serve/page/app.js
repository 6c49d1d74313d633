// laminate design: the page shows the PNG the server rendered and draws
// outlines and handles over it from the layout's boxes; every change goes to
// the server as a small edit and comes back as a new picture.
"use strict";
const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get("token") || "";
const view = { pass: "", side: "front", entry: 0, zoom: 8 };
const D = { card: null, selected: null, busy: 0, changed: [], folder: null, message: "" };
window.__designer = D;
const KEYS = {
  text: ["text", "font", "size", "min_size", "lines", "colour", "align"],
  rect: ["fill", "radius"], qr: ["colour"], punch: ["colour"], guilloche: ["colour"],
  photo: ["radius"], image: ["file"], microtext: ["colour", "size"], hologram: [],
  raised: ["text", "font", "colour"],
};
let state = null;
let queue = Promise.resolve();

// Requests go one after another, so edits reach the server in order.
function call(action, extra) {
  D.busy++;
  const body = JSON.stringify(Object.assign({}, view, extra || {}));
  let asked = 0;
  queue = queue.then(() => (asked = performance.now(), fetch("/api/" + action, {
    method: "POST", headers: { "X-Laminate-Token": token, "Content-Type": "application/json" }, body,
  })).then((r) => r.ok ? r.json() : r.text().then((t) => { throw new Error(t); }))
    .then((r) => show(r, asked))
    .catch((e) => { $("status").textContent = String(e); })
    .finally(() => { D.busy--; }));
  return queue;
}
const edit = (edits) => call("edit", { edits });
const set = (el, key, value) => edit([{ op: "set", element: el, key, value: String(value) }]);
const mm = (v) => String(Math.round(v * 100) / 100);

function show(r, asked) {
  D.card = r.card; D.changed = r.changed; D.folder = r.folder; D.message = r.message;
  const c = r.card;
  if (c.png) {
    // From the request to the new picture decoded, for the status line.
    $("card").src = "data:image/png;base64," + c.png;
    $("card").decode().then(() => {
      D.roundTrip = performance.now() - asked;
      $("status").textContent = status(r) + " · " + D.roundTrip.toFixed(0) + " ms to the picture";
    }, () => {});
  }
  $("errors").textContent = c.errors;
  $("undo").disabled = !r.undo; $("redo").disabled = !r.redo;
  $("folder").hidden = !!r.folder;
  // A file changed on disk: saving was refused; Reload is the way on.
  $("reload").classList.toggle("attention", !!r.conflict);
  $("status").textContent = status(r);
  if (D.selected && !c.boxes.some((b) => b.name === D.selected)) D.selected = null;
  // A picture that arrives mid-drag waits: redrawing would drop the box held.
  if (D.dragging) D.redraw = true;
  else redraw();
}

function redraw() { D.redraw = false; drawGuides(); drawBoxes(); drawPanel(); drawWarnings(); }

function status(r) {
  const dirty = r.changed.length ? "unsaved: " + r.changed.join(", ") : "saved";
  return [r.message, dirty, "rendered in " + r.card.millis.toFixed(0) + " ms"].filter(Boolean).join(" · ");
}

const px = (v) => (v + D.card.bleed) * view.zoom + "px";
function drawGuides() {
  const c = D.card, g = $("guides");
  g.innerHTML = "";
  if (!$("overlay").checked || !c.card_w) return;
  const b = document.createElement("div");
  b.className = "bleed"; b.style.borderWidth = c.bleed * view.zoom + "px";
  const t = document.createElement("div");
  t.className = "trim";
  Object.assign(t.style, { left: px(0), top: px(0), width: c.card_w * view.zoom + "px", height: c.card_h * view.zoom + "px" });
  // The safe area: 3 mm inside the trim, where a cut that wanders stays clear.
  const s = document.createElement("div");
  s.className = "safe";
  Object.assign(s.style, { left: px(3), top: px(3), width: (c.card_w - 6) * view.zoom + "px", height: (c.card_h - 6) * view.zoom + "px" });
  g.append(b, t, s);
}

function place(div, b) {
  Object.assign(div.style, { left: px(b.x), top: px(b.y), width: b.w * view.zoom + "px", height: b.h * view.zoom + "px" });
}

function drawBoxes() {
  const layer = $("boxes");
  layer.innerHTML = "";
  const warned = new Set(D.card.warnings.map((w) => w.element));
  for (const b of D.card.boxes) {
    const div = document.createElement("div");
    div.className = "el" + (b.name === D.selected ? " sel" : "") + (warned.has(b.name) ? " warn" : "");
    div.dataset.name = b.name; div.title = b.name + " (" + b.kind + ")";
    place(div, b);
    if (b.name === D.selected) {
      const hs = b.kind === "qr" ? ["nw", "ne", "se", "sw"] : ["nw", "n", "ne", "e", "se", "s", "sw", "w"];
      for (const h of hs) {
        const k = document.createElement("div");
        k.className = "h"; k.dataset.h = h;
        k.style.left = h.includes("w") ? "0" : h.includes("e") ? "100%" : "50%";
        k.style.top = h.includes("n") ? "0" : h.includes("s") ? "100%" : "50%";
        div.append(k);
      }
    }
    div.addEventListener("pointerdown", (e) => startDrag(e, b, div));
    layer.append(div);
  }
}

function box(name) { return D.card && D.card.boxes.find((b) => b.name === name); }
function select(name) { D.selected = name; drawBoxes(); drawPanel(); }

// Snapping: to other elements' edges and centres, the card's edges and
// centre lines (within 6 px), else to the grid. Alt turns it off.
function snapAxis(lo, size, axis, name, e) {
  const grid = Number($("grid").value);
  if (e.altKey || !grid) return { v: lo };
  const c = D.card, full = axis === "x" ? c.card_w : c.card_h;
  const lines = [0, full / 2, full];
  for (const o of c.boxes) {
    if (o.name === name) continue;
    const a = axis === "x" ? o.x : o.y, s = axis === "x" ? o.w : o.h;
    if (s < full * 0.99) lines.push(a, a + s / 2, a + s);
  }
  const tol = 6 / view.zoom;
  let best = null;
  for (const l of lines) for (const off of [0, size / 2, size]) {
    const d = Math.abs(lo + off - l);
    if (d < tol && (!best || d < best.d)) best = { d, v: l - off, line: l };
  }
  if (best) return best;
  return { v: Math.round(lo / grid) * grid };
}

function guide(axis, at) {
  const g = document.createElement("div");
  g.className = "snapline";
  if (axis === "x") Object.assign(g.style, { left: px(at), top: 0, width: "1px", height: "100%" });
  else Object.assign(g.style, { top: px(at), left: 0, height: "1px", width: "100%" });
  $("guides").append(g);
}

function startDrag(e, b, div) {
  e.preventDefault(); e.stopPropagation();
  if (D.selected !== b.name) { select(b.name); div = document.querySelector(`.el[data-name="${CSS.escape(b.name)}"]`); }
  const handle = e.target.dataset && e.target.dataset.h;
  const x0 = e.clientX, y0 = e.clientY;
  const now = { x: b.x, y: b.y, w: b.w, h: b.h };
  let moved = false;
  D.dragging = true;
  div.setPointerCapture(e.pointerId);
  const move = (ev) => {
    const dx = (ev.clientX - x0) / view.zoom, dy = (ev.clientY - y0) / view.zoom;
    if (!moved && Math.abs(ev.clientX - x0) + Math.abs(ev.clientY - y0) < 3) return;
    moved = true;
    drawGuides();
    if (!handle) {
      const sx = snapAxis(b.x + dx, b.w, "x", b.name, ev), sy = snapAxis(b.y + dy, b.h, "y", b.name, ev);
      now.x = sx.v; now.y = sy.v;
      if (sx.line !== undefined) guide("x", sx.line);
      if (sy.line !== undefined) guide("y", sy.line);
    } else {
      let { x, y, w, h } = b;
      if (handle.includes("e")) w = snapAxis(b.x + b.w + dx, 0, "x", b.name, ev).v - x;
      if (handle.includes("s")) h = snapAxis(b.y + b.h + dy, 0, "y", b.name, ev).v - y;
      if (handle.includes("w")) { x = snapAxis(b.x + dx, 0, "x", b.name, ev).v; w = b.x + b.w - x; }
      if (handle.includes("n")) { y = snapAxis(b.y + dy, 0, "y", b.name, ev).v; h = b.y + b.h - y; }
      if (b.kind === "qr") {
        // A QR code stays square: the larger change wins, from the fixed corner.
        const s = Math.max(w, h);
        if (handle.includes("w")) x = b.x + b.w - s;
        if (handle.includes("n")) y = b.y + b.h - s;
        w = h = s;
      }
      Object.assign(now, { x, y, w: Math.max(w, 0.5), h: Math.max(h, 0.5) });
    }
    place(div, now);
  };
  const up = () => {
    div.removeEventListener("pointermove", move);
    div.removeEventListener("pointerup", up);
    div.removeEventListener("pointercancel", up);
    D.dragging = false;
    if (D.redraw) redraw();
    else drawGuides();
    if (!moved) return;
    // One drag is one edit, so one undo step.
    const edits = [];
    for (const [k, key] of [["x", "x"], ["y", "y"], ["w", "width"], ["h", "height"]]) {
      if (Math.abs(now[k] - b[k]) > 0.004) edits.push({ op: "set", element: b.name, key, value: mm(now[k]) });
    }
    if (edits.length) edit(edits);
  };
  div.addEventListener("pointermove", move);
  div.addEventListener("pointerup", up);
  div.addEventListener("pointercancel", up);
}

function field(label, key, value, kind) {
  const l = document.createElement("label");
  l.textContent = label;
  let input;
  if (kind === "font" || kind === "align") {
    input = document.createElement("select");
    const opts = kind === "font" ? state.fonts : ["left", "center", "right"];
    for (const o of opts) input.add(new Option(o, o));
    input.value = value || opts[0];
  } else {
    input = document.createElement("input");
    input.value = value;
    if (kind === "number") { input.type = "number"; input.step = "0.1"; }
  }
  input.name = key;
  input.addEventListener("change", () => set(D.selected, key, input.value));
  l.append(input);
  return { l, input };
}

function drawPanel() {
  const form = $("panel");
  form.innerHTML = "";
  const b = box(D.selected);
  $("sel-title").textContent = b ? `${b.name} (${b.kind})` : "Nothing selected";
  if (!b) return;
  for (const [key, v, label] of [["x", b.x, "x (mm)"], ["y", b.y, "y (mm)"], ["width", b.w, "width (mm)"], ["height", b.h, "height (mm)"]]) {
    form.append(field(label, key, mm(v), "number").l);
  }
  const props = Object.fromEntries(b.props);
  for (const key of KEYS[b.kind] || []) {
    const kind = key === "font" || key === "align" ? key : ["size", "min_size", "lines", "radius"].includes(key) ? "number" : "text";
    const f = field(key, key, props[key] || "", kind);
    form.append(f.l);
    if (key === "text") {
      // The roster's fields, inserted at the cursor as {field}.
      const pick = document.createElement("select");
      pick.name = "insert-field";
      pick.add(new Option("insert a field…", ""));
      for (const n of state.fields) pick.add(new Option("{" + n + "}", n));
      pick.addEventListener("change", () => {
        if (!pick.value) return;
        const i = f.input.selectionStart ?? f.input.value.length;
        f.input.value = f.input.value.slice(0, i) + "{" + pick.value + "}" + f.input.value.slice(i);
        pick.value = "";
        set(D.selected, "text", f.input.value);
      });
      const l = document.createElement("label");
      l.append(document.createTextNode("field"), pick);
      form.append(l);
    }
  }
}

function drawWarnings() {
  const ul = $("warnings");
  ul.innerHTML = "";
  for (const w of D.card.warnings) {
    const li = document.createElement("li");
    li.textContent = w.text;
    if (w.element) li.addEventListener("click", () => select(w.element));
    ul.append(li);
  }
}

const typing = (e) => ["INPUT", "SELECT", "TEXTAREA"].includes(e.target.tagName) || e.target.isContentEditable;
document.addEventListener("keydown", (e) => {
  if (typing(e)) return;
  const ctrl = e.ctrlKey || e.metaKey, k = e.key.toLowerCase();
  if (ctrl && k === "z" && !e.shiftKey) { e.preventDefault(); call("undo"); return; }
  if (ctrl && (k === "y" || (k === "z" && e.shiftKey))) { e.preventDefault(); call("redo"); return; }
  if (ctrl && k === "s") { e.preventDefault(); save(); return; }
  const b = box(D.selected);
  if (!b) return;
  if (e.key === "Escape") { select(null); return; }
  if (e.key === "Delete" || e.key === "Backspace") { e.preventDefault(); edit([{ op: "delete", element: b.name }]); return; }
  const step = e.shiftKey ? 1 : 0.1;
  const d = { ArrowLeft: ["x", -step], ArrowRight: ["x", step], ArrowUp: ["y", -step], ArrowDown: ["y", step] }[e.key];
  if (!d) return;
  e.preventDefault();
  b[d[0]] += d[1];
  place(document.querySelector(`.el[data-name="${CSS.escape(b.name)}"]`), b);
  set(b.name, d[0], mm(b[d[0]]));
});

function save() { return call("save", { folder: $("folder").value || null }); }

async function start() {
  const r = await fetch("/api/state", { headers: { "X-Laminate-Token": token } });
  if (!r.ok) { document.body.textContent = await r.text(); return; }
  state = await r.json();
  for (const t of state.types) $("pass").add(new Option(t, t));
  state.entries.forEach((label, i) => $("entry").add(new Option(label, i)));
  for (const k of state.kinds) $("kind").add(new Option(k, k));
  view.pass = state.types[0] || "";
  $("pass").onchange = () => { view.pass = $("pass").value; D.selected = null; call("render"); };
  $("entry").onchange = () => { view.entry = Number($("entry").value); call("render"); };
  $("zoom").onchange = () => { view.zoom = Number($("zoom").value); call("render"); };
  $("overlay").onchange = drawGuides;
  for (const side of ["front", "back"]) $(side).onclick = () => {
    view.side = side; D.selected = null;
    $("front").classList.toggle("on", side === "front"); $("back").classList.toggle("on", side === "back");
    call("render");
  };
  $("undo").onclick = () => call("undo");
  $("redo").onclick = () => call("redo");
  $("save").onclick = save;
  $("reload").onclick = () => call("reload");
  $("add").onclick = () => edit([{ op: "add", kind: $("kind").value, x: 10, y: 10 }]).then(() => {
    // A new element is drawn last: select it.
    const last = D.card.boxes[D.card.boxes.length - 1];
    if (last) select(last.name);
  });
  $("delete").onclick = () => D.selected && edit([{ op: "delete", element: D.selected }]);
  $("boxes").addEventListener("pointerdown", (e) => { if (e.target.id === "boxes") select(null); });
  window.addEventListener("beforeunload", (e) => { if (D.changed.length) e.preventDefault(); });
  await call("render");
}
start();
