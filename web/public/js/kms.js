// KMS page: requests per second per (account, Region) from GET /api/kms/rates (the KMS process's
// quota statistics: per-second accepted and throttled counts of the last 120 s, and each Region's rate;
// the charts show the last 60 s so a few seconds of burst stay readable).
//
// One Chart.js line chart per (account, Region) that had traffic: accepted req/s (line), offered req/s
// (accepted + throttled, dashed), throttled req/s as red crosses only in the seconds that had any, and
// the quota as a horizontal line (chartjs-plugin-annotation) with its value as label. Polls every second,
// so a burst (`s3lab load kms ...`, a lab's burst step) draws itself live. Each chart's <article> carries
// what it shows as data attributes (data-region, data-quota-line = the drawn line's value,
// data-throttled-points = red points drawn, data-peak-accepted) and the canvas a text alternative; the
// summary table below says the same in text.
import { getJson, h, setStatus, fmtInt, poll } from './common.js';

const WINDOW = 60;  // seconds shown (the KMS process keeps 120; the summary table counts all of them)
const charts = new Map();  // "account/region" -> {article, chart}
const container = document.getElementById('charts');
const summary = document.querySelector('#summary tbody');
const Chart = window.Chart;
const annotation = window['chartjs-plugin-annotation'];
if (Chart && annotation) Chart.register(annotation);

const clock = (t) => new Date(t * 1000).toISOString().slice(11, 19);

function series(region, now) {
  const bySecond = new Map(region.seconds.map((s) => [s.t, s]));
  const accepted = [], offered = [], throttled = [];
  for (let t = now - WINDOW + 1; t <= now; t++) {
    const s = bySecond.get(t);
    accepted.push({ x: t, y: s ? s.accepted : 0 });
    offered.push({ x: t, y: s ? s.accepted + s.throttled : 0 });
    if (s && s.throttled > 0) throttled.push({ x: t, y: s.throttled });
  }
  return { accepted, offered, throttled };
}

function quotaAnnotation(rate) {
  if (!rate) return {};
  return {
    quota: {
      type: 'line', yMin: rate, yMax: rate, borderColor: '#d13212', borderWidth: 2, borderDash: [6, 4],
      label: { display: true, content: `quota ${fmtInt(rate)} req/s`, position: 'start',
        backgroundColor: 'rgba(209,50,18,0.9)', font: { size: 12, weight: 'bold' } },
    },
  };
}

function makeChart(canvas) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: [
        { label: 'accepted req/s', data: [], borderColor: '#0b5cad', backgroundColor: '#0b5cad', borderWidth: 2, pointRadius: 0, tension: 0 },
        { label: 'throttled req/s', data: [], showLine: false, pointStyle: 'crossRot', pointRadius: 7, pointBorderWidth: 2,
          borderColor: '#d13212', backgroundColor: '#d13212' },
        { label: 'offered req/s', data: [], borderColor: '#879596', borderDash: [3, 3], borderWidth: 1, pointRadius: 0 },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'nearest', intersect: false, axis: 'x' },
      scales: {
        x: { type: 'linear', ticks: { callback: (v) => clock(v), maxRotation: 0, autoSkipPadding: 20 }, title: { display: true, text: 'time (UTC)' } },
        y: { beginAtZero: true, title: { display: true, text: 'requests per second' } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { title: (items) => (items.length ? clock(items[0].parsed.x) : '') } },
        annotation: { annotations: {} },
      },
    },
  });
}

function chartFor(region) {
  const id = `${region.account}/${region.region}`;
  let entry = charts.get(id);
  if (entry) return entry;
  const canvas = h('canvas', { role: 'img', 'aria-label': `KMS requests per second in ${region.region}` });
  const article = h('article', { class: 'region-chart', dataset: { region: region.region, account: region.account } },
    h('h2', {}, region.region, h('span', { class: 'legend-note' }, ` · account ${region.account}`)),
    h('p', { class: 'legend-note quota-note' }),
    h('div', { class: 'canvas-box' }, canvas));
  container.append(article);
  entry = { article, chart: Chart ? makeChart(canvas) : null, canvas };
  charts.set(id, entry);
  return entry;
}

function update(region, now) {
  const { article, chart, canvas } = chartFor(region);
  const data = series(region, now);
  const peak = Math.max(0, ...region.seconds.map((s) => s.accepted));
  const throttledTotal = region.seconds.reduce((n, s) => n + s.throttled, 0);
  const throttledSeconds = region.seconds.filter((s) => s.throttled > 0).length;
  const note = region.rate ? `Quota ${fmtInt(region.rate)} requests per second (one second of burst).` : 'No quota (profile off).';
  article.querySelector('.quota-note').textContent = note;
  canvas.setAttribute('aria-label', `KMS requests per second in ${region.region}: ${note} Peak accepted ${fmtInt(peak)} req/s; `
    + `${fmtInt(throttledTotal)} requests throttled in ${throttledSeconds} second${throttledSeconds === 1 ? '' : 's'}.`);
  if (chart) {
    chart.data.datasets[0].data = data.accepted;
    chart.data.datasets[1].data = data.throttled;
    chart.data.datasets[2].data = data.offered;
    chart.options.scales.x.min = now - WINDOW + 1;
    chart.options.scales.x.max = now;
    chart.options.scales.y.suggestedMax = Math.max(region.rate * 1.15, peak * 1.1, 10);
    chart.options.plugins.annotation.annotations = quotaAnnotation(region.rate);
    chart.update('none');
    // What the chart draws, for people using the DOM (and the browser tests).
    const line = chart.options.plugins.annotation.annotations.quota;
    article.dataset.quotaLine = line ? String(line.yMin) : '';
    article.dataset.throttledPoints = String(chart.getDatasetMeta(1).data.length);
  }
  article.dataset.quota = String(region.rate);
  article.dataset.peakAccepted = String(peak);
  article.dataset.throttledTotal = String(throttledTotal);
  return h('tr', { dataset: { region: region.region, account: region.account } },
    h('td', {}, region.account), h('th', { scope: 'row' }, region.region),
    h('td', { class: 'num' }, region.rate ? fmtInt(region.rate) : 'none'),
    h('td', { class: 'num' }, fmtInt(peak)),
    h('td', { class: 'num' }, fmtInt(region.seconds.reduce((n, s) => n + s.accepted, 0))),
    h('td', { class: `num${throttledTotal ? ' error' : ''}` }, fmtInt(throttledTotal)),
    h('td', { class: 'num' }, fmtInt(throttledSeconds)));
}

async function refresh() {
  let stats;
  try {
    stats = await getJson('/api/kms/rates');
  } catch (e) {
    setStatus(`KMS statistics unavailable: ${e.message}`, true);
    return;
  }
  const profile = document.getElementById('profile');
  profile.textContent = `Quota profile: ${stats.profile}${stats.scale !== 1 ? ` × ${stats.scale}` : ''}.`;
  profile.dataset.profile = stats.profile;
  const regions = [...stats.regions].sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
  const rows = regions.map((r) => update(r, stats.now));
  summary.replaceChildren(...rows);
  if (rows.length === 0) summary.append(h('tr', {}, h('td', { colspan: 7, class: 'legend-note' }, 'No cryptographic KMS calls in the last two minutes.')));
  if (!Chart) setStatus('The chart library is missing: run `npm ci --omit=dev` in web/ (./s3lab up does it). The table below still updates.', true);
  else setStatus(`Live · updated ${clock(stats.now)} UTC`);
}

await refresh();
document.body.dataset.ready = 'true';
poll(refresh, 1000);
