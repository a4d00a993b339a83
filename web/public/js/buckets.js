// Buckets page: GET /api/buckets (every account's buckets with their default encryption) and, for the
// bucket chosen (?bucket=NAME in the URL, so it is a link), GET /api/buckets/NAME/versions: each object
// version with its encryption mode, KMS key ARN and Bucket Key flag, 200 at a time ("More versions"
// follows the key / version-id markers). Rows carry data-key, data-version-id and data-mode.
import { getJson, h, setStatus, fmtTime, fmtBytes, readQuery, writeQuery } from './common.js';

const bucketRows = document.querySelector('#buckets tbody');
const objects = document.getElementById('objects');
const versionRows = document.querySelector('#versions tbody');
const moreButton = document.getElementById('more');
const prefixForm = document.getElementById('prefix-form');
const state = { bucket: '', prefix: '', next: null };

const badge = (mode) => h('span', { class: `badge ${mode.toLowerCase()}` }, mode);

function defaultEncryption(e) {
  return e.sseAlgorithm === 'AES256' ? 'SSE-S3 (AES256)' : e.sseAlgorithm === 'aws:kms' ? 'SSE-KMS (aws:kms)'
    : e.sseAlgorithm === 'aws:kms:dsse' ? 'DSSE-KMS (aws:kms:dsse)' : e.sseAlgorithm;
}

async function loadBuckets() {
  const { buckets } = await getJson('/api/buckets');
  bucketRows.replaceChildren(...buckets.map((b) => h('tr', { dataset: { bucket: b.name, account: b.account } },
    h('th', { scope: 'row' }, h('a', { href: `?bucket=${encodeURIComponent(b.name)}`, onclick: (e) => { e.preventDefault(); openBucket(b.name, ''); } }, b.name)),
    h('td', {}, b.account),
    h('td', {}, b.region),
    h('td', {}, b.versioning ?? 'never enabled'),
    h('td', {}, defaultEncryption(b.encryption)),
    h('td', { class: 'arn' }, b.encryption.kmsMasterKeyId ?? (b.encryption.sseAlgorithm.startsWith('aws:kms') ? 'aws/s3 (AWS managed key)' : '')),
    h('td', {}, b.encryption.bucketKeyEnabled ? 'enabled' : 'off'),
    h('td', {}, b.policy ? 'yes' : 'none'))));
  if (buckets.length === 0) bucketRows.append(h('tr', {}, h('td', { colspan: 8, class: 'legend-note' }, 'No buckets yet (aws s3 mb s3://name).')));
  return buckets;
}

function versionRow(v) {
  const e = v.encryption;
  return h('tr', { dataset: { key: v.key, versionId: v.versionId, mode: e?.mode ?? 'delete-marker', kmsKeyArn: e?.kmsKeyArn ?? '', bucketKey: String(!!e?.bucketKeyEnabled) } },
    h('th', { scope: 'row', class: 'mono' }, v.key),
    h('td', { class: 'mono' }, v.versionId),
    h('td', {}, v.isLatest ? 'latest' : ''),
    h('td', { class: 'num' }, v.isDeleteMarker ? '' : fmtBytes(v.size)),
    h('td', { class: 'mono time' }, fmtTime(v.lastModified).replace(' UTC', '')),
    h('td', {}, v.isDeleteMarker ? 'delete marker' : badge(e.mode)),
    h('td', { class: 'arn' }, e?.kmsKeyArn ?? ''),
    h('td', {}, e && (e.mode === 'SSE-KMS' || e.mode === 'DSSE-KMS') ? (e.bucketKeyEnabled ? 'yes' : 'no') : ''));
}

async function loadVersions(append) {
  const params = new URLSearchParams({ limit: '200' });
  if (state.prefix) params.set('prefix', state.prefix);
  if (append && state.next) {
    params.set('key_marker', state.next.key);
    params.set('version_id_marker', state.next.versionId);
  }
  const page = await getJson(`/api/buckets/${encodeURIComponent(state.bucket)}/versions?${params}`);
  const rows = page.versions.map(versionRow);
  if (append) versionRows.append(...rows); else versionRows.replaceChildren(...rows);
  if (!append && rows.length === 0) versionRows.append(h('tr', {}, h('td', { colspan: 8, class: 'legend-note' }, 'No objects.')));
  state.next = page.isTruncated ? { key: page.nextKeyMarker, versionId: page.nextVersionIdMarker } : null;
  moreButton.hidden = !state.next;
  objects.dataset.bucket = state.bucket;
  objects.dataset.count = String(versionRows.querySelectorAll('tr[data-key]').length);
}

async function openBucket(name, prefix) {
  state.bucket = name;
  state.prefix = prefix;
  writeQuery({ bucket: name, prefix });
  document.getElementById('objects-title').textContent = `Objects in ${name}`;
  document.getElementById('f-prefix').value = prefix;
  objects.hidden = false;
  for (const tr of bucketRows.querySelectorAll('tr[data-bucket]')) tr.setAttribute('aria-current', String(tr.dataset.bucket === name));
  try {
    await loadVersions(false);
    setStatus('');
  } catch (e) {
    setStatus(`Could not list ${name}: ${e.message}`, true);
  }
}

prefixForm.addEventListener('submit', (e) => { e.preventDefault(); openBucket(state.bucket, document.getElementById('f-prefix').value.trim()); });
moreButton.addEventListener('click', () => loadVersions(true).catch((e) => setStatus(e.message, true)));

try {
  await loadBuckets();
  const { bucket, prefix } = readQuery();
  if (bucket) await openBucket(bucket, prefix ?? '');
} catch (e) {
  setStatus(`Could not list buckets: ${e.message}`, true);
}
document.body.dataset.ready = 'true';
