// Helpers shared by the console pages: JSON requests to the console API, a tiny element builder,
// the page's status line and number/time formatting. No framework: each page module builds its DOM
// with h() and re-renders the parts that change.

// GET a console API path; resolves to the parsed JSON, rejects with an Error carrying the API's
// {"error": {"code", "message"}} when the answer is not 2xx.
export async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (e) {
    throw Object.assign(new Error('the s3lab console server did not answer (is `s3lab up` running?)'), { code: 'Offline' });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const err = new Error(body?.error?.message || `HTTP ${response.status}`);
    err.code = body?.error?.code || String(response.status);
    throw err;
  }
  return body;
}

// h('td', {class: 'num', dataset: {x: 1}, onclick}, 'text', child...) -> element. null/false children are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// The page's status line (an aria-live region with id="status").
export function setStatus(text, isError = false) {
  const el = document.getElementById('status');
  if (!el) return;
  el.textContent = text;
  el.classList.toggle('error', isError);
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const fmtInt = (n) => (n === null || n === undefined ? '' : integer.format(n));

// "2026-11-27T07:23:16.123Z" -> "2026-11-27 07:23:16 UTC" (CloudTrail times are UTC; so is this).
export function fmtTime(iso) {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// Query string of the current page as a plain object, and back (history.replaceState, no reload).
export function readQuery() {
  return Object.fromEntries(new URLSearchParams(location.search));
}
export function writeQuery(values) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== '' && v !== null && v !== undefined) params.set(k, v);
  const query = params.toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
}

// Calls fn every `ms` while the page is visible; returns a stop function. fn may be async; a slow
// call is never overlapped by the next one.
export function poll(fn, ms) {
  let timer = null, stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try { await fn(); } catch (e) { /* fn reports its own errors */ }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  timer = setTimeout(tick, ms);
  return () => { stopped = true; clearTimeout(timer); };
}
