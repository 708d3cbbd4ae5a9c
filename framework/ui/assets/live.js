// Live curves of a running training or flow: one small chart per
// metric, fed by the server's event stream (rows of its reports as it
// writes them). No library: an SVG polyline per chart.
(function () {
  "use strict";
  const root = document.getElementById("live");
  const status = document.getElementById("live-status");
  if (!root) return;
  const NS = "http://www.w3.org/2000/svg";
  const W = 360, H = 200, L = 56, R = 10, T = 22, B = 30;
  const xname = root.dataset.x || "epoch";
  const series = new Map(); // metric -> {xs, ys, svg}
  let points = 0;

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function chart(metric) {
    const svg = el("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "chart", "data-metric": metric });
    el("text", { x: L, y: 15 }, svg).textContent = metric;
    el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }, svg);
    el("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }, svg);
    const s = { xs: [], ys: [], svg: svg,
      curve: el("polyline", { class: "curve", points: "" }, svg),
      labels: [0, 1, 2, 3].map(() => el("text", {}, svg)) };
    el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, svg).textContent = xname;
    root.appendChild(svg);
    series.set(metric, s);
    return s;
  }

  function fmt(v) {
    return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : (+v.toPrecision(4)).toString();
  }

  function draw(s) {
    const x0 = Math.min(...s.xs), x1 = Math.max(...s.xs);
    let y0 = Math.min(...s.ys), y1 = Math.max(...s.ys);
    if (y0 === y1) { const pad = Math.abs(y0) / 10 || 1; y0 -= pad; y1 += pad; }
    const sx = (x) => L + (x1 === x0 ? 0 : (x - x0) / (x1 - x0)) * (W - L - R);
    const sy = (y) => H - B - (y - y0) / (y1 - y0) * (H - T - B);
    s.curve.setAttribute("points", s.xs.map((x, i) => sx(x).toFixed(1) + "," + sy(s.ys[i]).toFixed(1)).join(" "));
    const [a, b, c, d] = s.labels;
    a.textContent = fmt(y1); a.setAttribute("x", L - 4); a.setAttribute("y", T + 4); a.setAttribute("text-anchor", "end");
    b.textContent = fmt(y0); b.setAttribute("x", L - 4); b.setAttribute("y", H - B); b.setAttribute("text-anchor", "end");
    c.textContent = x0; c.setAttribute("x", L); c.setAttribute("y", H - B + 13);
    d.textContent = x1; d.setAttribute("x", W - R); d.setAttribute("y", H - B + 13); d.setAttribute("text-anchor", "end");
  }

  function add(rows) {
    const touched = new Set();
    for (const r of rows) {
      for (const m of Object.keys(r.metrics || {}).sort()) {
        const s = series.get(m) || chart(m);
        s.xs.push(r.epoch); s.ys.push(r.metrics[m]);
        touched.add(s);
      }
      points++;
    }
    touched.forEach(draw);
    root.dataset.points = points;
  }

  const es = new EventSource(root.dataset.src);
  es.addEventListener("open", () => { status.textContent = "following"; });
  es.addEventListener("rows", (e) => {
    const rows = JSON.parse(e.data);
    add(rows);
    status.textContent = "following: " + xname + " " + rows[rows.length - 1].epoch;
  });
  es.addEventListener("end", (e) => {
    es.close();
    status.textContent = "it has ended; its entry, if it succeeded, is registered as " + e.data;
  });
  es.addEventListener("problem", (e) => {
    es.close();
    status.textContent = "cannot follow: " + JSON.parse(e.data);
  });
})();
