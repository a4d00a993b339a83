// KMS page during a burst: the page is opened first, prints "page-open" (the Python side then runs
// `s3lab load kms GenerateDataKey --region us-west-1 --rate 8000 --seconds 6`: 6 s, so that even a
// loaded machine offering only ~6,500 req/s outlasts the one-second burst), and the us-west-1 chart
// must show the 5,500 req/s quota line and throttled points; the summary table agrees. Screenshot: kms.png.
// Parameters: {url, shots, region, quota}.
import { assert, params, withPage, open, screenshot, WAIT } from './lib.mjs';

await withPage(async (page) => {
  await open(page, '/kms.html');
  console.log('page-open');
  const chart = `article.region-chart[data-region="${params.region}"]`;
  // Live: the chart appears and fills while the burst runs (the page polls every second).
  await page.waitForFunction((sel) => {
    const a = document.querySelector(sel);
    return a && Number(a.dataset.throttledPoints || 0) > 0;
  }, chart, { timeout: 120000 });
  const data = await page.$eval(chart, (a) => ({ ...a.dataset, note: a.querySelector('.quota-note').textContent,
    label: a.querySelector('canvas').getAttribute('aria-label') }));
  assert.equal(data.quotaLine, String(params.quota), 'the chart draws the quota line at the Region quota');
  assert.equal(data.quota, String(params.quota));
  assert.ok(Number(data.throttledPoints) >= 1, 'throttled seconds are marked');
  assert.ok(Number(data.throttledTotal) > 0);
  assert.equal(data.note, `Quota ${params.quota.toLocaleString('en-US')} requests per second (one second of burst).`);
  assert.match(data.label, /requests throttled in \d+ seconds?/);
  const row = await page.$eval(`#summary tbody tr[data-region="${params.region}"]`,
    (tr) => [...tr.cells].map((c) => c.textContent.trim()));
  assert.equal(row[1], params.region);
  assert.equal(row[2], params.quota.toLocaleString('en-US'));
  assert.notEqual(row[5], '0', 'the summary counts throttled requests');
  assert.equal(await page.textContent('#profile'), 'Quota profile: exam.');
  await screenshot(page, 'kms');
});
