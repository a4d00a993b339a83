// Trail page: filtering to GenerateDataKey shows exactly the GenerateDataKey records the Python side
// made (event name, principal, key ARN), a row opens its full record JSON (without plaintext), and a
// denied Decrypt shows its errorCode, errorMessage, what decided (as AWS's message says it and as the
// policy engine recorded it: the "Deciding statement" and the policies evaluated), and a new call appears
// live.
// Screenshots: trail.png, trail-denied.png.
// Parameters: {url, shots, keyArn, user, userGdk, rootGdk, sseKms: bool, region}.
import { assert, params, withPage, open, screenshot, WAIT } from './lib.mjs';

await withPage(async (page) => {
  await open(page, '/');

  // Filter with the form, as a person would. The Region keeps out the KMS page test's burst (us-west-1).
  await page.fill('#f-event', 'GenerateDataKey');
  await page.fill('#f-region', params.region);
  await page.click('#filters button[type="submit"]');
  // alice's calls and the SSE-KMS upload she made, root's direct calls; S3 may add GenerateDataKey calls
  // of its own for root's Bucket Key uploads (invokedBy s3.amazonaws.com), counted separately below.
  const expected = params.userGdk + params.rootGdk + (params.sseKms ? 1 : 0);
  await page.waitForSelector(`#records[data-filters="event=GenerateDataKey&region=${params.region}"]`, WAIT);
  await page.waitForFunction((n) => document.querySelectorAll('#records tbody tr[data-id]').length >= n, expected, WAIT);
  assert.match(page.url(), /[?&]event=GenerateDataKey/, 'the filter is in the page URL');
  assert.match(page.url(), new RegExp(`[?&]region=${params.region}`));

  const rows = await page.$$eval('#records tbody tr[data-id]', (trs) => trs.map((tr) => ({
    ...tr.dataset,
    cells: [...tr.cells].map((td) => td.textContent.trim()),
  })));
  const rootViaS3 = rows.filter((r) => r.principal === 'arn:aws:iam::111122223333:root' && r.cells[3].includes('via s3'));
  assert.equal(rows.length, expected + rootViaS3.length, 'one row per GenerateDataKey call');
  for (const r of rows) {
    assert.equal(r.eventName, 'GenerateDataKey');
    assert.equal(r.eventSource, 'kms.amazonaws.com');
    assert.equal(r.errorCode, '');
    assert.ok(r.resources.split(' ').includes(params.keyArn), `row names the key ARN: ${r.resources}`);
    assert.equal(r.cells[1], 'GenerateDataKey');
    assert.ok(r.cells[6].includes(params.keyArn), 'the resources cell shows the key ARN');
  }
  const byUser = rows.filter((r) => r.username === params.user);
  assert.equal(byUser.length, params.userGdk + (params.sseKms ? 1 : 0), `rows of ${params.user}`);
  for (const r of byUser) assert.equal(r.principal, `arn:aws:iam::111122223333:user/${params.user}`);
  const byRoot = rows.filter((r) => r.principal === 'arn:aws:iam::111122223333:root' && !r.cells[3].includes('via s3'));
  assert.equal(byRoot.length, params.rootGdk, 'rows of the root user');
  if (params.sseKms) {
    const viaS3 = byUser.filter((r) => r.cells[3].includes('via s3.amazonaws.com'));
    assert.equal(viaS3.length, 1, 'the SSE-KMS upload shows the user with invokedBy s3.amazonaws.com');
  }

  // The full record of the newest user row.
  const userRow = page.locator(`#records tbody tr[data-username="${params.user}"]`).first();
  await userRow.click();
  await page.waitForSelector('#record-json', WAIT);
  const record = JSON.parse(await page.textContent('#record-json'));
  assert.equal(record.eventName, 'GenerateDataKey');
  assert.equal(record.userIdentity.type, 'IAMUser');
  assert.equal(record.userIdentity.userName, params.user);
  assert.equal(record.requestParameters.keySpec, 'AES_256');
  assert.ok(record.resources.some((r) => r.ARN === params.keyArn));
  assert.equal(record.responseElements, null, 'GenerateDataKey records no response elements');
  assert.ok(!JSON.stringify(record).includes('laintext"'), 'no plaintext in the record');
  assert.equal(await userRow.getAttribute('aria-current'), 'true');
  await screenshot(page, 'trail');

  // A denied call: failed calls only, event Decrypt.
  await page.fill('#f-event', 'Decrypt');
  await page.selectOption('#f-error', '*');  // a select applies the form at once
  await page.waitForSelector(`#records[data-filters="event=Decrypt&error=*&region=${params.region}"]`, WAIT);
  const denied = await page.$$eval('#records tbody tr[data-id]', (trs) => trs.map((tr) => ({ ...tr.dataset })));
  assert.equal(denied.length, 1, 'one failed Decrypt');
  assert.equal(denied[0].eventName, 'Decrypt');
  assert.equal(denied[0].errorCode, 'AccessDeniedException');
  assert.equal(denied[0].username, params.user);
  await page.locator('#records tbody tr[data-id]').first().click();
  await page.waitForSelector('.denial', WAIT);
  assert.equal(await page.textContent('.denial [data-field="errorCode"]'), 'AccessDeniedException');
  const message = await page.textContent('.denial [data-field="errorMessage"]');
  assert.match(message, new RegExp(`user/${params.user} is not authorized to perform: kms:Decrypt`));
  assert.equal(await page.textContent('.denial [data-field="decidedBy"]'),
    'No Allow (implicit deny) — identity-based policy (action kms:Decrypt)');
  // What the policy engine recorded as deciding (the trail's decision column, not part of the record).
  assert.equal(await page.textContent('.denial [data-field="decision"]'),
    'no identity-based policy allows kms:Decrypt; the Allow in statement "Enable IAM User Permissions" ' +
    `(Statement[0]) of key policy of ${params.keyArn} counts only together with one`);
  assert.deepEqual(await page.$$eval('.denial [data-field="considered"] li', (lis) => lis.map((li) => li.textContent)),
    [`identity policy kms-and-s3 of user ${params.user}`, `key policy of ${params.keyArn}`]);
  assert.ok(!(await page.textContent('#record-json')).includes('considered'), 'the record JSON has no decision');
  await screenshot(page, 'trail-denied');

  // Live: with the page filtered to GenerateRandom (none yet), the Python side makes one call when it
  // reads "live-wait"; the row appears without a reload.
  await page.selectOption('#f-error', '');
  await page.fill('#f-event', 'GenerateRandom');
  await page.click('#filters button[type="submit"]');
  await page.waitForSelector(`#records[data-filters="event=GenerateRandom&region=${params.region}"]`, WAIT);
  assert.equal(await page.locator('#records tbody tr[data-id]').count(), 0);
  assert.equal(await page.isChecked('#f-live'), true);
  console.log('live-wait');
  await page.waitForSelector('#records tbody tr[data-event-name="GenerateRandom"]', WAIT);
  assert.equal(await page.locator('#records tbody tr[data-id]').count(), 1);
});
