// Buckets page: the bucket list shows the Python side's bucket with its default encryption, and the
// bucket's page lists each object version with its encryption mode (SSE-S3 / SSE-KMS with the key ARN
// and the Bucket Key flag / SSE-C). Screenshot: buckets.png.
// Parameters: {url, shots, bucket, objects: [{key, versionId?, mode, kmsKeyArn, bucketKey}], shot?,
// defaultEncryption?, versioning?}.
import { assert, params, withPage, open, screenshot, WAIT } from './lib.mjs';

await withPage(async (page) => {
  await open(page, '/buckets.html');
  const bucketRow = page.locator(`#buckets tbody tr[data-bucket="${params.bucket}"]`);
  assert.equal(await bucketRow.getAttribute('data-account'), '111122223333');
  const bucketCells = await bucketRow.locator('td').allTextContents();
  if (params.versioning) assert.equal(bucketCells[2], params.versioning);
  if (params.defaultEncryption) assert.equal(bucketCells[3], params.defaultEncryption);
  await bucketRow.locator('a').click();
  await page.waitForFunction((b) => document.getElementById('objects').dataset.bucket === b, params.bucket, WAIT);
  assert.equal(await page.textContent('#objects-title'), `Objects in ${params.bucket}`);
  assert.match(page.url(), new RegExp(`[?&]bucket=${params.bucket}`));
  const rows = await page.$$eval('#versions tbody tr[data-key]', (trs) => trs.map((tr) => ({
    ...tr.dataset, cells: [...tr.cells].map((c) => c.textContent.trim()) })));
  assert.equal(rows.length, params.objects.length, 'one row per object version');
  for (const want of params.objects) {
    const got = rows.find((r) => r.key === want.key && (!want.versionId || r.versionId === want.versionId));
    assert.ok(got, `a row for ${want.key} ${want.versionId ?? ''}`);
    assert.equal(got.mode, want.mode, `${want.key} encryption mode`);
    assert.equal(got.cells[5], want.mode, 'the mode is shown as text');
    assert.equal(got.kmsKeyArn, want.kmsKeyArn ?? '');
    assert.equal(got.cells[6], want.kmsKeyArn ?? '');
    assert.equal(got.bucketKey, String(!!want.bucketKey));
  }
  // Nothing secret reaches the page.
  const html = await page.content();
  for (const word of ['wrapped', 'sse_c_key', 'Plaintext']) assert.ok(!html.includes(word), `no ${word} on the page`);
  await screenshot(page, params.shot ?? 'buckets');
});
