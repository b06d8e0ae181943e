// The studio page: controls from /api/params, runs through /api/run, progress from /api/status,
// results drawn with Chart.js (Debian's libjs-chart.js) from /api/runs/<id>/summary and /field/<name>.
// window.studio holds the state; studio.drawn() returns what the charts hold (the tests compare it
// with the HDF5 file).
"use strict";
const S = window.studio = { params: [], current: null, kept: null, charts: {}, field: "collagen_I", index: 0,
                            timer: null, player: null, state: "loading" };
const $ = (id) => document.getElementById(id);
const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
const SERIES = {
  ts_barrier: { title: "Barrier deficit (open fraction of the stratum corneum)", cols: [["barrier_deficit", "barrier deficit", "#c0392b"]] },
  ts_inflammation: { title: "Inflammation (mean damage signal)", cols: [["inflammation", "inflammation", "#d35400"]] },
  ts_collagen: { title: "Collagen relative to baseline, per layer", cols: [
    ["collagen_I_rel_papillary", "collagen I papillary", "#1f77b4"], ["collagen_III_rel_papillary", "collagen III papillary", "#17becf"],
    ["collagen_I_rel_reticular", "collagen I reticular", "#2ca02c"], ["collagen_III_rel_reticular", "collagen III reticular", "#98df8a"]] },
  ts_elastin: { title: "Elastin relative to baseline, per layer", cols: [
    ["elastin_rel_papillary", "elastin papillary", "#9467bd"], ["elastin_rel_reticular", "elastin reticular", "#8c564b"]] },
  ts_epidermis: { title: "Epidermis: thickness over baseline − 1 (0.5 = 50 % thicker)", cols: [
    ["epidermis_thickness_gain", "epidermal thickness gain", "#2ca02c"]] },
};
const OUTCOMES = [["collagen_gain_papillary", "collagen gain, papillary", ""], ["collagen_gain_reticular", "collagen gain, reticular", ""],
  ["collagen_gain_vs_untreated_papillary", "collagen gain over untreated skin of the same age, papillary", ""],
  ["collagen_I_fraction_papillary", "collagen I fraction, papillary", ""], ["elastin_rel_papillary", "elastin, papillary (rel.)", ""],
  ["epidermis_thickness_gain", "epidermal thickness gain", ""],
  ["barrier_recovery_h_1", "barrier recovery, session 1", "h"], ["dye_tight_h_1", "channels dye-tight, session 1", "h"],
  ["inflammation_peak_1", "inflammation peak, session 1", ""], ["inflammation_resolution_h_1", "inflammation resolved, session 1", "h"]];

function setState(st) { S.state = st; document.body.dataset.state = st; }
function message(text) { $("message").textContent = text || ""; }
async function api(path, opts) {
  const r = await fetch(path, opts);
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: `${r.status} ${r.statusText}` }; }
  return { ok: r.ok, status: r.status, body };
}

// ---- controls
function buildForm() {
  const form = $("form");
  for (const p of S.params) {
    const div = document.createElement("div");
    div.className = "param";
    const u = p.kind === "real" && p.unit !== "1" ? p.unit : "", unit = u ? ` (${u})` : "";
    let html = `<label for="p_${p.name}" title="${p.help}">${p.label}${unit}</label><div class="row">`;
    if (p.kind === "choice") {
      html += `<select id="p_${p.name}">` + p.choices.map((c) => `<option${c === p.default ? " selected" : ""}>${c}</option>`).join("") + "</select>";
      html += `</div><div class="range">one of ${p.choices.join(", ")}</div>`;
    } else {
      html += `<input type="range" id="r_${p.name}" min="${p.min}" max="${p.max}" step="${p.step}" value="${p.default}">` +
              `<input type="number" id="p_${p.name}" min="${p.min}" max="${p.max}" step="any" value="${p.default}">`;
      html += `</div><div class="range">allowed ${p.min} to ${p.max}${u ? " " + u : ""}${p.kind === "int" ? " (whole number)" : ""}</div>`;
    }
    div.innerHTML = html;
    form.appendChild(div);
    if (p.kind !== "choice") {
      const r = div.querySelector(`#r_${p.name}`), n = div.querySelector(`#p_${p.name}`);
      r.addEventListener("input", () => { n.value = r.value; });
      n.addEventListener("input", () => { r.value = n.value; });
    }
  }
}
S.readForm = function () {
  const out = {};
  for (const p of S.params) {
    const v = $("p_" + p.name).value;
    out[p.name] = p.kind === "choice" ? v : (v.trim() === "" ? v : Number(v));
  }
  return out;
};

// ---- runs
S.submit = async function (values) {
  message("");
  const r = await api("/api/run", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ params: values }) });
  if (!r.ok) {
    message(`Refused (${r.status}): ${r.body.error}`);
    return r.status;
  }
  startPolling();
  return r.status;
};
function startPolling() {
  setState("running");
  $("run").disabled = true;
  if (!S.timer) S.timer = setInterval(poll, 300);
}
async function poll() {
  const r = await api("/api/status");
  const st = r.body;
  if (st.state === "running") {
    $("bar").style.width = `${st.percent}%`;
    $("status").textContent = `${st.id}: ${st.line}`;
    return;
  }
  clearInterval(S.timer);
  S.timer = null;
  $("run").disabled = false;
  if (st.state === "failed") {
    $("bar").style.width = "0";
    $("status").textContent = `${st.id} failed after ${st.wall.toFixed(1)} s`;
    message(st.error);
    setState("failed");
  } else if (st.state === "done") {
    $("bar").style.width = "100%";
    $("status").textContent = `${st.id} done in ${st.wall.toFixed(1)} s`;
    await loadRun(st.id);
  } else setState("idle");
}
async function loadRun(id) {
  setState("loading");
  const r = await api(`/api/runs/${id}/summary`);
  if (!r.ok) { message(r.body.error); setState("failed"); return; }
  S.current = { id, summary: r.body, fields: {} };
  message("");
  await drawAll();
  $("keep").disabled = false;
  downloads();
  setState("done");
}
async function fieldOf(run, name) {
  if (!run.fields[name]) {
    const r = await api(`/api/runs/${run.id}/field/${name}`);
    if (!r.ok) throw new Error(r.body.error);
    run.fields[name] = r.body;
  }
  return run.fields[name];
}
function describe(run) {
  const p = run.summary.params || {};
  return `${run.id}: ${p.needle_length_mm} mm, ${p.density_per_cm2}/cm², ${p.pattern}, ${p.sessions} × every ${p.interval_days} d, +${p.follow_up_days} d, ${p.skin}, age ${p.age_years}${p.scar && p.scar !== "none" ? `, ${p.scar} scar` : ""}`;
}

// ---- drawing
function runs() { return S.kept ? [S.kept, S.current] : [S.current]; }
async function drawAll() {
  $("empty").style.display = "none";
  drawOutcomes();
  for (const id of Object.keys(SERIES)) drawSeries(id);
  const sel = $("field");
  if (!sel.options.length) {
    for (const f of S.current.summary.fields) sel.add(new Option(`${f} [${S.current.summary.unit_words[f]}]`, f));
    sel.value = S.field;
  }
  $("slider").max = S.current.summary.time.length - 1;
  S.index = Math.min(S.index, S.current.summary.time.length - 1);
  if (S.state !== "playing") S.index = S.current.summary.time.length - 1;
  $("slider").value = S.index;
  await drawSections();
}
function drawOutcomes() {
  let h = "<table class='outcomes'><tr><th>outcome at the end</th>" + runs().map((r) => `<th>${r === S.kept ? "kept " : ""}${r.id}</th>`).join("") + "</tr>";
  for (const [k, label, unit] of OUTCOMES) {
    h += `<tr><td>${label}${unit ? " [" + unit + "]" : ""}</td>` + runs().map((r) => {
      const v = r.summary.outcomes[k];
      return `<td>${v === null || v === undefined ? "—" : Number(v).toPrecision(4)}</td>`;
    }).join("") + "</tr>";
  }
  $("outcomes").innerHTML = h + "</table><p class='hint'>" + runs().map(describe).join("<br>") + "</p>";
}
function drawSeries(id) {
  const spec = SERIES[id], datasets = [];
  for (const run of runs()) {
    const tab = run.summary.table, kept = run === S.kept;
    for (const [col, label, color] of spec.cols) {
      if (!tab[col]) continue;
      datasets.push({ label: `${label} (${kept ? "kept " : ""}${run.id})`, _run: run.id, _col: col,
        data: tab.t.map((t, i) => ({ x: t, y: tab[col][i] })), borderColor: color, backgroundColor: color,
        borderDash: kept ? [6, 4] : [], borderWidth: kept ? 1.5 : 2, pointRadius: 0 });
    }
  }
  const cfg = { type: "line", data: { datasets },
    options: { animation: false, maintainAspectRatio: false, parsing: false, normalized: true,
      plugins: { title: { display: true, text: spec.title }, legend: { labels: { boxWidth: 14, font: { size: 11 } } } },
      scales: { x: { type: "linear", title: { display: true, text: "time (day)" } }, y: { type: "linear" } } } };
  if (S.charts[id]) S.charts[id].destroy();
  S.charts[id] = new Chart($(id), cfg);
}
function colour(v, lo, hi) {
  let f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  f = Math.min(1, Math.max(0, f)) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(f), VIRIDIS.length - 2), w = f - i;
  const a = VIRIDIS[i], b = VIRIDIS[i + 1];
  const c = [1, 3, 5].map((k) => Math.round(parseInt(a.substr(k, 2), 16) * (1 - w) + parseInt(b.substr(k, 2), 16) * w));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
function nearestIndex(time, t) {
  let best = 0;
  for (let i = 1; i < time.length; i++) if (Math.abs(time[i] - t) < Math.abs(time[best] - t)) best = i;
  return best;
}
async function drawSections() {
  const name = S.field, t = S.current.summary.time[S.index];
  const shown = [];
  for (const run of runs()) {
    const fd = await fieldOf(run, name);
    shown.push({ run, fd, idx: run === S.current ? S.index : nearestIndex(run.summary.time, t) });
  }
  let lo = Infinity, hi = -Infinity;
  for (const s of shown) {
    const [, nz, nx] = s.fd.shape, off = s.idx * nz * nx;
    for (let k = 0; k < nz * nx; k++) { const v = s.fd.values[off + k]; if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  }
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) { lo -= 0.5; hi += 0.5; }
  const unit = shown[0].fd.unit;
  const fmt = (v) => (Math.abs(v) < 1e-9 * Math.max(Math.abs(lo), Math.abs(hi)) ? "0" : v.toPrecision(3));
  $("cb_hi").textContent = fmt(hi);
  $("cb_lo").textContent = fmt(lo);
  $("cb_unit").textContent = `${name} [${shown[0].fd.unit_words || unit}]`;
  $("colorbar").style.visibility = "visible";
  $("cb_grad").style.background = `linear-gradient(to top, ${VIRIDIS.join(",")})`;
  $("fig_kept").classList.toggle("hidden", !S.kept);
  $("timelabel").textContent = shown.map((s) => `${s.run.id}: day ${s.run.summary.time[s.idx].toFixed(2)}`).join("   ");
  for (const s of shown) heatmap(s.run === S.current ? "current" : "kept", s, lo, hi);
  const lay = S.current.summary.layers;
  if (lay) $("layers").textContent = "Layers, top to bottom: " + lay.rows.map((r, i) =>
    `${r.replace("_", " ")} ${lay.data.top[i]}–${lay.data.bottom[i]} mm`).join(", ");
}
function heatmap(which, s, lo, hi) {
  const sum = s.run.summary, xf = sum.faces.x, zf = sum.faces.z, nx = xf.length - 1, nz = zf.length - 1;
  const off = s.idx * nz * nx, t = sum.time[s.idx], cells = [], colours = [];
  for (let j = 0; j < nz; j++)
    for (let i = 0; i < nx; i++) {
      const v = s.fd.values[off + j * nx + i];
      cells.push({ x: 0.5 * (xf[i] + xf[i + 1]), y: [zf[j], zf[j + 1]], v, i, j });
      colours.push(v === null ? "#999" : colour(v, lo, hi));
    }
  const datasets = [{ type: "bar", label: "cells", data: cells, backgroundColor: colours, borderColor: colours, borderWidth: 0.5,
                      barPercentage: 1, categoryPercentage: 1, grouped: false, order: 10, _field: s.fd.name, _run: s.run.id, _index: s.idx }];
  const x0 = xf[0], x1 = xf[nx], L = x1 - x0, lay = sum.layers;
  if (lay) for (let k = 0; k + 1 < lay.rows.length; k++)
    datasets.push({ type: "line", label: "layer boundary", data: [{ x: x0, y: lay.data.bottom[k] }, { x: x1, y: lay.data.bottom[k] }],
                    borderColor: "rgba(255,255,255,0.85)", borderDash: [5, 4], borderWidth: 1, pointRadius: 0, order: 0, clip: 0 });
  const nd = sum.needles, sess = sum.sessions;
  if (nd && sess) {
    const latest = Math.max(0, ...sess.data.time.map((ts, k) => (ts <= t + 1e-9 ? k + 1 : 0)));
    for (let k = 0; k < nd.data.x.length; k++) {
      const sn = nd.data.session[k];
      if (sn > latest) continue;
      const x = nd.data.x[k], d = nd.data.depth[k], rs = nd.data.radius_surface[k], rt = nd.data.radius_tip[k];
      for (const sh of [-L, 0, L]) {
        if (x + sh + rs < x0 || x + sh - rs > x1) continue;
        datasets.push({ type: "line", label: `needle, session ${sn}`, data: [{ x: x + sh - rs, y: 0 }, { x: x + sh - rt, y: d }, { x: x + sh + rt, y: d }, { x: x + sh + rs, y: 0 }],
                        borderColor: "white", borderWidth: sn === latest ? 2 : 1, borderDash: sn === latest ? [] : [3, 3], pointRadius: 0, order: 0, clip: 0 });
      }
    }
  }
  const mids = lay ? lay.rows.map((r, k) => ({ value: 0.5 * (lay.data.top[k] + lay.data.bottom[k]), label: r.split("_")[0] }))
    .filter((m, k) => lay.data.bottom[k] - lay.data.top[k] > 0.05 * (zf[nz] - zf[0])) : [];
  const cfg = { type: "bar", data: { datasets },
    options: { animation: false, maintainAspectRatio: false,
      plugins: { legend: { display: false },
        tooltip: { filter: (it) => it.dataset.type === "bar", callbacks: { label: (it) => `${s.fd.name} = ${it.raw.v}` } } },
      scales: {
        x: { type: "linear", min: x0, max: x1, title: { display: true, text: "x (mm)" } },
        y: { type: "linear", reverse: true, min: zf[0], max: zf[nz], title: { display: true, text: "depth z (mm)" } },
        y2: { type: "linear", position: "right", reverse: true, min: zf[0], max: zf[nz], grid: { display: false },
              afterBuildTicks: (ax) => { ax.ticks = mids.map((m) => ({ value: m.value })); },
              ticks: { autoSkip: false, callback: (v) => (mids.find((m) => Math.abs(m.value - v) < 1e-9) || {}).label } } } } };
  $(`fig_${which}`).querySelector("figcaption").textContent = `${which === "kept" ? "kept " : ""}${describe(s.run)} — day ${t.toFixed(2)}`;
  if (S.charts[`sec_${which}`]) S.charts[`sec_${which}`].destroy();
  S.charts[`sec_${which}`] = new Chart($(`sec_${which}`), cfg);
}
function downloads() {
  const id = S.current.id, f = (k, label) => `<a href="/api/runs/${id}/file/${k}" download>${label}</a>`;
  let h = `<h3>Download ${id}</h3>${f("h5", "run.h5")}${f("xmf", "run.xmf")}${f("yaml", "config.yaml")}` +
          `<br>${f("timeseries.png", "time series (figures.py)")}${f("sections.png", "sections (figures.py)")}<br>`;
  h += Object.keys(S.charts).filter((k) => S.charts[k]).map((k) => `<a href="#" data-chart="${k}">${k}.png</a>`).join("");
  $("downloads").innerHTML = h;
  for (const a of $("downloads").querySelectorAll("a[data-chart]"))
    a.addEventListener("click", (e) => {  // the chart's own PNG export
      e.preventDefault();
      const l = document.createElement("a");
      l.href = S.charts[a.dataset.chart].toBase64Image("image/png", 1);
      l.download = `microheal-studio-${id}-${a.dataset.chart}.png`;
      l.click();
    });
}

// What the charts hold, for the tests: time series points and section cell values, per run.
S.drawn = function () {
  const out = { series: [], sections: [] };
  for (const [k, c] of Object.entries(S.charts)) {
    if (!c) continue;
    for (const d of c.data.datasets) {
      if (d._col) out.series.push({ chart: k, run: d._run, column: d._col, x: d.data.map((p) => p.x), y: d.data.map((p) => p.y) });
      if (d._field) out.sections.push({ chart: k, run: d._run, field: d._field, index: d._index,
                                        values: d.data.map((p) => p.v), i: d.data.map((p) => p.i), j: d.data.map((p) => p.j) });
    }
  }
  return out;
};

async function init() {
  const r = await api("/api/params");
  if (!r.ok) { message(r.body.error); return; }
  S.params = r.body.params;
  buildForm();
  $("status").textContent = `ready (each run is limited to ${r.body.wall_limit_s} s)`;
  $("run").addEventListener("click", () => S.submit(S.readForm()));
  $("keep").addEventListener("click", async () => { S.kept = S.current; $("unkeep").disabled = false; $("keep").disabled = true; await drawAll(); });
  $("unkeep").addEventListener("click", async () => { S.kept = null; $("unkeep").disabled = true; $("keep").disabled = false; await drawAll(); });
  $("field").addEventListener("change", async () => { S.field = $("field").value; await drawSections(); });
  $("slider").addEventListener("input", async () => { S.index = Number($("slider").value); await drawSections(); });
  $("play").addEventListener("click", () => {
    if (!S.current) return;
    if (S.player) { clearInterval(S.player); S.player = null; $("play").textContent = "▶ Play"; return; }
    $("play").textContent = "❚❚ Pause";
    S.player = setInterval(async () => {
      S.index = (S.index + 1) % S.current.summary.time.length;
      $("slider").value = S.index;
      await drawSections();
    }, 300);
  });
  const st = (await api("/api/status")).body;
  if (st.state === "running") startPolling(); else setState("idle");
}
init();
