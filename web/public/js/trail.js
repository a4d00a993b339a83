// Trail page: the CloudTrail records of trail.db through GET /api/trail.
//
// The filters live in the form and in the page's query string (so a filtered view is a link). The
// first page shows the newest 100 matching records; "Older records" follows the API's `next` cursor.
// Live mode (on the first page only) polls every 2 s for records committed after the newest row id
// seen (`after_id` = the last answer's maxId) and puts them on top. Selecting a row (click, Enter or
// Space) shows the full record JSON; a failed call shows its errorCode and errorMessage first, what the
// message says decided (explicit deny or no Allow, in which kind of policy), and what the policy engine
// says decided (API member `decision`: the Deny statement, or why nothing allowed).
import { getJson, h, setStatus, fmtTime, readQuery, writeQuery, poll } from './common.js';

const PAGE = 100;
const MAX_ROWS = 500;
const FILTERS = ['source', 'event', 'principal', 'error', 'region', 'start', 'end'];

const form = document.getElementById('filters');
const tbody = document.querySelector('#records tbody');
const caption = document.getElementById('records-caption');
const detail = document.getElementById('detail');
const olderButton = document.getElementById('older');
const newestButton = document.getElementById('newest');
const liveBox = document.getElementById('f-live');

const state = { filters: {}, rows: [], next: null, maxId: 0, cursor: null, selectedId: null, loading: false };

function formFilters() {
  const data = new FormData(form);
  const out = {};
  for (const name of FILTERS) out[name] = String(data.get(name) ?? '').trim();
  return out;
}

function fillForm(filters) {
  for (const name of FILTERS) {
    const field = form.elements.namedItem(name);
    if (!field) continue;
    const value = filters[name] ?? '';
    if (field.tagName === 'SELECT' && value && ![...field.options].some((o) => o.value === value)) {
      field.append(h('option', { value }, value));  // a value from the URL not (yet) in the trail
    }
    field.value = value;
  }
}

// datetime-local values are read as UTC (the labels say so): "2026-11-27T07:00:05" -> "...Z".
const asUtc = (local) => (local ? (local.length === 16 ? `${local}:00Z` : `${local}Z`) : '');

function apiUrl(filters, extra = {}) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = filters[name];
    if (!value) continue;
    params.set(name, name === 'start' || name === 'end' ? asUtc(value) : value);
  }
  for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined) params.set(k, String(v));
  return `/api/trail?${params}`;
}

function principalText(r) {
  if (r.username && r.identityType === 'IAMUser') return r.username;
  // The caller's account from its ARN: a key owner's copy of a cross-account call has another recipient.
  if (r.identityType === 'Root') return `root (${(r.principalArn || '').split(':')[4] || r.recipientAccountId})`;
  return r.username || r.principalArn || r.accessKeyId || '';
}

function renderRow(r) {
  const arns = (r.resources || []).map((x) => x.ARN).filter(Boolean);
  const select = () => selectRecord(r.id);
  return h('tr', {
    class: 'clickable',
    tabindex: 0,
    'aria-current': String(state.selectedId === r.id),
    dataset: {
      id: r.id, eventId: r.record?.eventID ?? '', eventName: r.eventName, eventSource: r.eventSource,
      principal: r.principalArn ?? '', username: r.username ?? '', errorCode: r.errorCode ?? '',
      region: r.awsRegion ?? '', resources: arns.join(' '),
    },
    onclick: select,
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); } },
  },
  h('td', { class: 'mono time' }, fmtTime(r.eventTime).replace(' UTC', '')),
  h('td', {}, r.eventName),
  h('td', {}, r.eventSource.replace('.amazonaws.com', ''),
    r.managementEvent === false ? h('div', { class: 'legend-note' }, 'data event') : null),
  h('td', { title: r.principalArn ?? '' }, principalText(r), r.invokedBy ? h('div', { class: 'legend-note' }, `via ${r.invokedBy}`) : null),
  h('td', { class: 'nowrap' }, r.awsRegion),
  h('td', { class: r.errorCode ? 'error' : '' }, r.errorCode ?? ''),
  h('td', { class: 'arn' }, arns.map((a) => h('div', {}, a))));
}

function render() {
  tbody.replaceChildren(...state.rows.map(renderRow));
  if (state.rows.length === 0) {
    tbody.append(h('tr', {}, h('td', { colspan: 7, class: 'legend-note' }, 'No records match these filters.')));
  }
  const where = state.cursor ? 'older records' : 'newest first';
  caption.textContent = `${state.rows.length} record${state.rows.length === 1 ? '' : 's'} (${where})`;
  caption.dataset.count = String(state.rows.length);
  // Which filters the rows answer (the browser tests wait for it): "event=GenerateDataKey&region=us-east-1".
  const applied = new URLSearchParams(Object.entries(state.filters).filter(([, v]) => v));
  document.getElementById('records').dataset.filters = applied.toString();
  olderButton.disabled = !state.next;
  newestButton.disabled = !state.cursor;
}

let loadSeq = 0;  // answers of superseded loads (filters changed meanwhile) are dropped
async function load(cursor = null) {
  const seq = ++loadSeq;
  state.loading = true;
  try {
    const page = await getJson(apiUrl(state.filters, { limit: PAGE, before: cursor }));
    if (seq !== loadSeq) return;
    state.rows = page.records;
    state.next = page.next;
    state.maxId = Math.max(state.maxId, page.maxId);
    state.cursor = cursor;
    render();
    setStatus(liveBox.checked && !cursor ? 'Live: new records appear on top.' : '');
  } catch (e) {
    if (seq === loadSeq) setStatus(`Could not read the trail: ${e.message}`, true);
  } finally {
    if (seq === loadSeq) state.loading = false;
  }
}

async function liveTick() {
  if (!liveBox.checked || state.cursor || state.loading) return;
  const seq = loadSeq;
  try {
    const page = await getJson(apiUrl(state.filters, { limit: 1000, after_id: state.maxId }));
    if (seq !== loadSeq) return;  // the filters changed while this was in flight
    state.maxId = Math.max(state.maxId, page.maxId);
    if (page.records.length === 0) return;
    const known = new Set(state.rows.map((r) => r.id));
    const fresh = page.records.filter((r) => !known.has(r.id));
    state.rows = [...fresh, ...state.rows].sort((a, b) => b.id - a.id).slice(0, MAX_ROWS);
    render();
    setStatus(`Live: ${fresh.length} new record${fresh.length === 1 ? '' : 's'}.`);
  } catch (e) {
    setStatus(`Live update failed: ${e.message}`, true);
  }
}

// What an AccessDenied message says decided: AWS writes "... with an explicit deny in a resource-based
// policy" or "... because no identity-based policy allows the kms:Decrypt action".
function readDenial(message) {
  if (!message) return null;
  const explicit = message.match(/with an explicit deny in an? ([\w -]+?) policy/);
  if (explicit) return { effect: 'Explicit deny', policy: `${explicit[1]} policy` };
  const none = message.match(/because no ([\w -]+?) policy allows the ([\w:*-]+) action/);
  if (none) return { effect: 'No Allow (implicit deny)', policy: `${none[1]} policy`, action: none[2] };
  return null;
}

// The trail's `decision` (what the policy engine says decided, web/README.md): its reason, then the Deny
// statement as written (explicit deny) or the policies that were evaluated (implicit deny).
function decisionItems(d) {
  if (typeof d !== 'object') {
    return [h('dt', {}, 'Deciding statement'), h('dd', {}, h('pre', { dataset: { field: 'decision' } }, String(d)))];
  }
  const items = [h('dt', {}, 'Deciding statement'), h('dd', { dataset: { field: 'decision' } }, d.reason ?? '')];
  if (d.statement) {
    items.push(h('dt', {}, 'Statement'),
      h('dd', {}, h('pre', { dataset: { field: 'statement' } }, JSON.stringify(d.statement, null, 2))));
  }
  if (d.considered) {
    items.push(h('dt', {}, 'Policies evaluated'), h('dd', { dataset: { field: 'considered' } },
      d.considered.length ? h('ul', {}, d.considered.map((p) => h('li', {}, p))) : 'none'));
  }
  return items;
}

function denialBlock(r) {
  if (!r.errorCode) return null;
  const items = [h('dt', {}, 'Error code'), h('dd', { class: 'mono', dataset: { field: 'errorCode' } }, r.errorCode),
    h('dt', {}, 'Error message'), h('dd', { dataset: { field: 'errorMessage' } }, r.errorMessage ?? '')];
  const denial = readDenial(r.errorMessage);
  if (denial) {
    items.push(h('dt', {}, 'Decided by'),
      h('dd', { dataset: { field: 'decidedBy' } }, `${denial.effect} — ${denial.policy}${denial.action ? ` (action ${denial.action})` : ''}`));
  }
  if (r.decision) items.push(...decisionItems(r.decision));
  return h('div', { class: 'denial', role: 'note', 'aria-label': 'Why the call failed' }, h('dl', {}, items));
}

function selectRecord(id) {
  const r = state.rows.find((x) => x.id === id);
  if (!r) return;
  state.selectedId = id;
  for (const tr of tbody.querySelectorAll('tr[data-id]')) tr.setAttribute('aria-current', String(Number(tr.dataset.id) === id));
  detail.replaceChildren(...[
    h('h2', { id: 'detail-title' }, `${r.eventName} · ${fmtTime(r.eventTime)}`),
    h('p', { class: 'legend-note' }, `eventID ${r.record?.eventID ?? ''}`),
    denialBlock(r),
    h('pre', { id: 'record-json', dataset: { eventId: r.record?.eventID ?? '' } }, JSON.stringify(r.record, null, 2)),
  ].filter(Boolean));
  detail.dataset.selected = String(id);
}

async function loadFacets() {
  try {
    const f = await getJson('/api/trail/facets');
    const source = form.elements.namedItem('source');
    const current = source.value;
    source.replaceChildren(h('option', { value: '' }, 'any'),
      ...f.eventSources.map((s) => h('option', { value: s }, s.replace('.amazonaws.com', ''))));
    if (current && !f.eventSources.includes(current)) source.append(h('option', { value: current }, current));
    source.value = current;
    const errors = form.elements.namedItem('error');
    const chosen = errors.value;
    for (const opt of [...errors.options]) if (!['', '*', '-'].includes(opt.value)) opt.remove();
    for (const code of f.errorCodes) errors.append(h('option', { value: code }, code));
    if (chosen && ![...errors.options].some((o) => o.value === chosen)) errors.append(h('option', { value: chosen }, chosen));
    errors.value = chosen;
    const list = (id, values) => document.getElementById(id).replaceChildren(...values.map((v) => h('option', { value: v })));
    list('l-event', f.eventNames);
    list('l-principal', f.usernames);
    list('l-region', f.regions);
  } catch (e) {
    setStatus(`Could not read the trail: ${e.message}`, true);
  }
}

function apply() {
  state.filters = formFilters();
  writeQuery(state.filters);
  state.selectedId = null;
  load(null);
}

form.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
form.addEventListener('change', (e) => { if (e.target.tagName === 'SELECT') apply(); });
document.getElementById('f-clear').addEventListener('click', () => { form.reset(); liveBox.checked = true; apply(); });
olderButton.addEventListener('click', () => state.next && load(state.next));
newestButton.addEventListener('click', () => load(null));
liveBox.addEventListener('change', () => { if (liveBox.checked) load(null); else setStatus('Live updates paused.'); });

state.filters = Object.fromEntries(FILTERS.map((k) => [k, readQuery()[k] ?? '']));
await loadFacets();
fillForm(state.filters);
await load(null);
document.body.dataset.ready = 'true';
poll(liveTick, 2000);
poll(loadFacets, 10000);
