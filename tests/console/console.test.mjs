// The web console in a real browser (Debian's chromium driven by playwright-core), against a
// server this test starts on 127.0.0.1: the reference's two console paths end to end. Sign in,
// create an instance, see the banner, follow "Go to Clean Rooms", find the collaboration under
// Available to join, create the membership (bucket, prefix, CSV), see the instance become Active,
// run a query and read its result and its chart, see a refused query's error at its position, see
// the instance's schedules, leave with the confirmation, see Left; vote on change requests, commit
// one, and tag resources. Screenshots of the main pages go to $CONSOLE_SCREENSHOTS.
//
//   CLEANROOM_BIN=build/cleanroom node --test tests/console/console.test.mjs
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const BIN = process.env.CLEANROOM_BIN || path.join(root, 'build', 'cleanroom');
const SHOTS = process.env.CONSOLE_SCREENSHOTS || path.join(root, 'build', 'console-screenshots');
const PLAYWRIGHT = process.env.PLAYWRIGHT_CORE || path.join(root, 'third_party', 'node_modules', 'playwright-core');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const ACCOUNT = '682015411111';
const PARTNER = '682015422222';  // a partner that dresses a collaboration up as the instance's
const EMAIL = 'analyst@example.com';
const PASSWORD = 'correct horse battery';
const QUERY = 'SELECT campaign, COUNT(DISTINCT user_id) AS users, SUM(impressions) AS impressions FROM dsp_impressions GROUP BY campaign';
const REFUSED = 'SELECT user_id, campaign FROM dsp_impressions';
const DIRECT_QUERY = 'SELECT segment, COUNT(DISTINCT email) AS customers FROM customers GROUP BY segment';
const SINGLE_NUMBER = 'SELECT COUNT(DISTINCT email) AS customers FROM customers';

let chromium;
try {
  ({ chromium } = createRequire(import.meta.url)(PLAYWRIGHT));
} catch (e) {
  throw new Error(`playwright-core is not at ${PLAYWRIGHT}; run scripts/bootstrap (${e.message})`);
}

// --- the server ----------------------------------------------------------------------------
function admin(dataDir, ...args) {
  return JSON.parse(execFileSync(BIN, ['admin', ...args, '--data-dir', dataDir, '--json'], { encoding: 'utf8' }));
}

function hasDemo() {
  try {
    return execFileSync(BIN, ['serve', '--help'], { encoding: 'utf8' }).includes('--demo');
  } catch {
    return false;
  }
}

function startServer(dataDir, extraArgs) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = [];
    let url = null;
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log.join('')}`)), 180000);
    const onData = (chunk) => {
      log.push(chunk.toString());
      const m = /cleanroom listening on (http:\/\/\S+)/.exec(log.join(''));
      if (m && !url) {
        url = m[1];
        clearTimeout(timer);
        resolve({ proc, url, log });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => { if (!url) { clearTimeout(timer); reject(new Error(`the server exited (${code}):\n${log.join('')}`)); } });
  });
}

function stopServer(server) {
  if (!server || server.proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => server.proc.kill('SIGKILL'), 10000);
    server.proc.on('exit', () => { clearTimeout(kill); resolve(); });
    server.proc.kill('SIGTERM');
  });
}

// --- the test ------------------------------------------------------------------------------
describe('web console', () => {
  let dataDir;
  let server;
  let browser;
  let page;
  let user;
  let keys;  // the advertiser account's access key, for prepare_data.py
  let partnerKeys;
  let executionPath;  // a SUCCEEDED workflow execution, read again after leaving
  let advertiserId;
  let demo;
  let ownData = false;  // prepare_data.py loaded the impressions (else --demo had)
  const timings = [];
  let last = Date.now();
  const step = (name) => { const now = Date.now(); timings.push(`${name} ${now - last} ms`); last = now; };

  const shot = async (name, fullPage = true) => {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
  };
  const visible = (locator) => locator.first().waitFor({ state: 'visible', timeout: 30000 });
  const byTest = (id) => page.locator(`[data-testid="${id}"]`);
  const nav = (name) => page.locator('.sidenav').getByRole('link', { name, exact: true }).click();
  // A console API call with the page's session, as the pages make it (CSRF token, Origin).
  const consoleCall = async (method, p, { body, amc, aws } = {}) => {
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const { csrfToken } = await fetch(`${server.url}/console/api/session`, { headers: { Cookie: cookie } }).then((r) => r.json());
    const headers = { Cookie: cookie, Origin: server.url, 'X-CSRF-Token': csrfToken };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (amc) headers['X-Amc-Account'] = amc;
    if (aws) headers['X-Aws-Account'] = aws;
    const res = await fetch(`${server.url}/console/api${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => ({})) };
  };
  const strip = (text) => text.replace(/[\u2068\u2069]/g, '');

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cleanroom-console-'));
    demo = hasDemo();
    server = await startServer(dataDir, demo ? ['--demo'] : []);
    step(`server started${demo ? ' (--demo)' : ''}`);
    keys = admin(dataDir, 'account', 'create', '--account-id', ACCOUNT, '--name', 'Advertiser A');
    partnerKeys = admin(dataDir, 'account', 'create', '--account-id', PARTNER, '--name', 'Partner P');
    advertiserId = admin(dataDir, 'amc-account', 'create', '--name', 'Advertiser A', '--marketplace-id', 'ATVPDKIKX0DER').advertiserId;
    user = admin(dataDir, 'user', 'create', '--email', EMAIL, '--password', PASSWORD, '--amc-account', advertiserId,
      '--role', 'ADMIN', '--aws-account', ACCOUNT, '--aws-role', 'ADMIN');
    // Buckets have owners: the operator gives the advertiser its results bucket
    // (docs/operations.md, "Bucket ownership").
    admin(dataDir, 'bucket', 'create', '--account', ACCOUNT, '--name', 'adv-results');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(30000);
    step('browser started');
  });

  after(async () => {
    try {
      if (browser) await browser.close();
    } finally {
      await stopServer(server);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      console.log(`timings: ${timings.join(', ')}`);
    }
  });

  test('the AMC and Clean Rooms console paths, end to end', async (t) => {
    try {
      // Sign in: a wrong password gets the generic answer, the right one the console.
      await page.goto(`${server.url}/console/`);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await visible(page.getByText('wrong email or password'));
      await shot('01-sign-in');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await visible(page.getByText('No instances yet'));
      step('signed in');

      // Create an instance: first with a name the API refuses, then a good one.
      await page.getByRole('link', { name: 'Create instance' }).first().click();
      await page.getByLabel('Instance name').fill('ab');
      await page.getByRole('button', { name: 'Create instance' }).click();
      const refusal = page.locator('.banner.bad');
      await visible(refusal);
      const apiAnswer = await fetch(`${server.url}/amc/instances`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json', Authorization: `Bearer ${user.bearerToken}`,
          'Amazon-Advertising-API-ClientId': user.clientId, 'Amazon-Advertising-API-MarketplaceId': 'ATVPDKIKX0DER',
          'Amazon-Advertising-API-AdvertiserId': advertiserId,
        },
        body: JSON.stringify({ instanceName: 'ab', awsAccountId: ACCOUNT, acrBacked: true }),
      }).then((r) => r.json());
      assert.ok((await refusal.textContent()).includes(apiAnswer.message), 'the console shows the API\'s message');
      await page.getByLabel('Instance name').fill('console_instance');
      await page.getByRole('button', { name: 'Create instance' }).click();
      await visible(page.getByRole('heading', { name: 'console_instance' }));
      const instanceId = page.url().split('/').pop();
      assert.match(instanceId, /^amc[a-z0-9]{8}$/);
      await visible(byTest('join-banner'));
      assert.equal((await byTest('collaboration-status').textContent()).trim(), 'Invited');
      await shot('02-instance-info-invited');
      step('instance created');

      ownData = execFileSync('python3', [path.join(here, 'prepare_data.py'), 'impressions', dataDir, server.url, instanceId],
        { encoding: 'utf8' }).includes('loaded');
      execFileSync('python3', [path.join(here, 'prepare_data.py'), 'crm', dataDir, server.url, ACCOUNT], {
        encoding: 'utf8',
        env: { ...process.env, CR_ACCESS_KEY_ID: keys.accessKeyId, CR_SECRET_ACCESS_KEY: keys.secretAccessKey },
      });
      step(ownData ? 'data loaded' : 'data found');
      // The partner cannot name a collaboration as the platform names the instance's; it invites
      // the advertiser to one with a right-to-left name instead.
      const lookalike = JSON.parse(execFileSync('python3', [path.join(here, 'prepare_data.py'), 'lookalike', dataDir, server.url,
        `${ACCOUNT}:${instanceId}`], {
        encoding: 'utf8',
        env: { ...process.env, CR_ACCESS_KEY_ID: partnerKeys.accessKeyId, CR_SECRET_ACCESS_KEY: partnerKeys.secretAccessKey },
      }));
      assert.match(lookalike.refused, /reserved for the collaborations of AMC instances/);

      // The banner on the instances list, and its link to Clean Rooms: the Create membership page.
      await nav('Instances');
      await visible(byTest('join-banner'));
      await shot('03-instances-banner');
      await byTest('join-banner').getByRole('link', { name: 'Go to Clean Rooms' }).click();
      await visible(page.getByRole('heading', { name: 'Create membership' }));
      assert.equal((await byTest('my-abilities').textContent()).trim(), 'Can receive results');

      // The Clean Rooms path: View collaborations -> Available to join -> the collaboration.
      await nav('Collaborations');
      await page.getByRole('tab', { name: 'Available to join' }).click();
      const row = byTest('collaborations-available').getByRole('link', { name: `AMC ${instanceId}` });
      await visible(row);
      // The instance's collaboration is marked as such; the partner's shows who created it, and its
      // name is isolated, so its right-to-left text cannot reorder what follows it.
      const available = byTest('collaborations-available').locator('tbody tr');
      // `has` is resolved inside each row, so the link is found relative to it.
      const genuine = available.filter({ has: page.getByRole('link', { name: `AMC ${instanceId}` }) });
      assert.equal((await genuine.getByTestId('amc-instance-mark').textContent()).trim(), `AMC instance ${instanceId}`);
      const fake = available.filter({ hasText: 'Partner P' });
      assert.equal(await fake.getByTestId('amc-instance-mark').count(), 0);
      assert.equal((await fake.getByTestId('creator-mark').textContent()).trim(), `by account ${PARTNER}`);
      const fakeName = fake.locator('bdi').first();
      assert.equal(await fakeName.textContent(), lookalike.name);
      assert.equal(await fakeName.getAttribute('dir'), 'auto');
      assert.equal(await fakeName.evaluate((el) => getComputedStyle(el).unicodeBidi), 'isolate');
      const nameBox = await fakeName.boundingBox();
      const markBox = await fake.getByTestId('creator-mark').boundingBox();
      assert.ok(markBox.x >= nameBox.x + nameBox.width - 1, 'the creator follows the whole name');
      assert.equal(await fake.locator('td').nth(1).locator('bdi').first().textContent(), 'Partner P');
      await shot('04-available-to-join');
      await row.click();
      await visible(page.getByRole('heading', { name: `AMC ${instanceId}` }));
      await page.getByRole('link', { name: 'Create membership' }).first().click();
      await visible(page.getByRole('heading', { name: 'Create membership' }));
      await page.getByLabel('Results destination in Amazon S3: bucket').fill('Not_A_Bucket');
      await page.getByRole('button', { name: 'Create membership' }).click();
      await visible(page.locator('.banner.bad'));
      assert.match(await page.locator('.banner.bad').textContent(), /bucket/);
      await page.getByLabel('Results destination in Amazon S3: bucket').fill('adv-results');
      await page.getByLabel('Key prefix (optional)').fill('amc');
      await page.getByRole('radio', { name: /CSV/ }).check();
      await shot('05-create-membership');
      await page.getByRole('button', { name: 'Create membership' }).click();
      await visible(page.getByText('Membership created'));
      assert.equal((await byTest('my-status').textContent()).trim(), 'Active');
      await visible(byTest('membership').getByText('s3://adv-results/amc/'));
      await shot('06-collaboration-members');
      await page.getByRole('tab', { name: 'Tables' }).click();
      await visible(byTest('schema-dsp_impressions').getByText('Aggregation').first());
      await shot('07-collaboration-tables');
      step('membership created');

      // Back in AMC: the instance is Active, and its query editor runs SQL.
      await nav('Instances');
      await page.getByRole('link', { name: 'console_instance' }).click();
      await visible(byTest('instance-status').getByText('Active'));
      assert.equal((await byTest('collaboration-status').textContent()).trim(), 'Active');
      assert.equal(await byTest('join-banner').count(), 0);
      await shot('08-instance-active');
      await page.getByRole('tab', { name: 'Query editor' }).click();
      // The demo's events are in October 2026; the default window is the last 30 days.
      await page.getByLabel('Time window start (UTC)').fill('2026-10-01T00:00:00');
      await page.getByLabel('Time window end (UTC)').fill('2026-11-01T00:00:00');
      await page.getByLabel('SQL').fill(QUERY);
      await page.getByRole('button', { name: 'Run query' }).click();
      await visible(byTest('result-table').locator('td'));
      assert.equal((await byTest('query-status').locator('.badge').textContent()).trim(), 'Succeeded');
      const header = await byTest('result-table').locator('th').allTextContents();
      assert.deepEqual(header, ['campaign', 'users', 'impressions']);
      if (ownData) {  // the data prepare_data.py loaded
        const campaigns = await byTest('result-table').locator('tbody tr td:first-child').allTextContents();
        assert.deepEqual(campaigns.sort(), ['Spring Sale', 'Summer Launch'], 'rows under the threshold never leave');
      }
      // The chart beside the table: one bar per row of a dimension and a measure, the measure
      // chosen among the numeric columns, each bar labelled with the result's own value.
      const chart = byTest('result-chart');
      assert.equal(await chart.getAttribute('data-kind'), 'bar');
      const resultRows = byTest('result-table').locator('tbody tr');
      assert.equal(await chart.getByTestId('chart-bar').count(), await resultRows.count());
      assert.deepEqual((await byTest('chart-measure').locator('option').allTextContents()).map(strip), ['users', 'impressions']);
      assert.equal(await chart.locator('svg > title').textContent(), 'Bar chart of users by campaign');
      assert.equal(await chart.locator('svg').getAttribute('role'), 'img');
      await byTest('chart-measure').selectOption({ index: 1 });
      assert.equal(await chart.locator('svg > title').textContent(), 'Bar chart of impressions by campaign');
      assert.equal(await chart.getByTestId('chart-bar').first().locator('text.value').textContent(),
        await resultRows.first().locator('td').nth(2).textContent(), 'the value as the result gives it');
      assert.deepEqual(await chart.locator('text.axis-label').allTextContents(), ['impressions', 'campaign']);
      await shot('09-query-result');
      await shot('09-query-result-viewport', false);  // docs/console.png
      const [download] = await Promise.all([page.waitForEvent('download'), byTest('download-result').click()]);
      const csv = readFileSync(await download.path(), 'utf8');
      assert.match(csv, /^campaign,users,impressions/);
      assert.ok(csv.trim().split('\n').length >= 2, 'the download holds the rows');
      // The console's own reads of the execution while the account is a member: no progress once
      // ended, and the result file (read again after leaving, below).
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const amcRead = (p) => fetch(`${server.url}/console/api/amc${p}`, { headers: { Cookie: cookie, 'X-Amc-Account': advertiserId } });
      const executions = `/reporting/${instanceId}/workflowExecutions`;
      const [execution] = (await (await amcRead(executions)).json()).executions.filter((e) => e.status === 'SUCCEEDED');
      executionPath = `${executions}/${execution.workflowExecutionId}`;
      assert.equal((await (await amcRead(executionPath)).json()).progress, undefined);
      const file = await amcRead(`${executionPath}/result`);
      assert.equal(file.status, 200);
      assert.match(file.headers.get('content-disposition'), /^attachment; filename="workflow-execution-[0-9a-f-]+\.csv"$/);
      assert.match(await file.text(), /^campaign,users,impressions/);
      step('query ran');

      // A query the rule refuses: the policy's message, and its position marked in the SQL.
      await page.getByLabel('SQL').fill(REFUSED);
      await page.getByRole('button', { name: 'Run query' }).click();
      await visible(byTest('error-mark'));
      const message = await page.locator('.banner.bad').textContent();
      const position = Number(/at character (\d+)/.exec(message)[1]);
      assert.equal((await byTest('error-mark').textContent()).trim()[0], REFUSED[position - 1]);
      await shot('10-query-refused');
      step('refusal shown');

      // The instance's schedules: one made through the API, shown on its tab, disabled there.
      const reporting = `/amc/reporting/${instanceId}`;
      assert.equal((await consoleCall('POST', `${reporting}/workflows`, { amc: advertiserId, body: { workflowId: 'daily_campaigns', sqlQuery: QUERY } })).status, 200);
      const made = await consoleCall('POST', `${reporting}/schedules`, {
        amc: advertiserId, body: { scheduleId: 'daily-campaigns', workflowId: 'daily_campaigns', aggregationPeriod: 'Daily', aggregationHourUtc: 6 },
      });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      await page.getByRole('tab', { name: 'Schedules' }).click();
      const scheduleRow = byTest('schedules').locator('tbody tr', { hasText: 'daily-campaigns' });
      await visible(scheduleRow);
      assert.match(await scheduleRow.textContent(), /daily_campaigns.*Daily at 06:00 UTC.*Enabled/);
      await scheduleRow.getByRole('button', { name: 'Disable' }).click();
      await visible(page.getByText('Schedule daily-campaigns disabled'));
      assert.match(await byTest('schedules').locator('tbody tr', { hasText: 'daily-campaigns' }).textContent(), /Disabled/);
      await shot('10b-schedules');
      step('schedules shown');

      // Leave: a confirmation that says it cannot be undone; then the instance shows Left.
      await nav('Collaborations');
      await page.getByRole('link', { name: `AMC ${instanceId}` }).click();
      await page.getByRole('button', { name: 'Leave collaboration' }).click();
      const dialog = page.getByRole('dialog');
      await visible(dialog);
      assert.match(await dialog.textContent(), /cannot be undone/);
      await shot('11-leave-confirmation', false);  // the modal's backdrop covers the viewport
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal((await byTest('my-status').textContent()).trim(), 'Active');
      await page.getByRole('button', { name: 'Leave collaboration' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Leave collaboration' }).click();
      await visible(page.getByText(`You left AMC ${instanceId}`));
      await nav('Instances');
      await page.getByRole('link', { name: 'console_instance' }).click();
      await visible(byTest('collaboration-status').getByText('Left'));
      await shot('12-instance-left');
      step('left');

      // The account's own data: its dataset with the hashed column, its configured table and rule.
      await nav('Tables and data');
      await visible(byTest('datasets').getByText('crm.customers'));
      await visible(byTest('datasets').getByText('email · email'));
      await visible(byTest('configured-table-customers').getByText('Aggregation', { exact: true }));
      assert.match(await byTest('configured-table-customers').getByTestId('rule').textContent(), /Dimension columns\s*segment/);
      await shot('13-tables-and-data');

      // A collaboration where the account itself can query: the protected query editor.
      await nav('Collaborations');
      await page.getByRole('link', { name: 'Direct analysis' }).click();
      await page.getByRole('tab', { name: 'Queries' }).click();
      await page.getByLabel('SQL').fill(DIRECT_QUERY);
      await page.getByRole('button', { name: 'Run query' }).click();
      await visible(byTest('result-table').locator('td', { hasText: 'silver' }));
      assert.equal((await byTest('query-status').locator('.badge').textContent()).trim(), 'Success');
      assert.deepEqual(await byTest('result-table').locator('th').allTextContents(), ['segment', 'customers']);
      assert.equal(await byTest('result-chart').getAttribute('data-kind'), 'bar');
      assert.equal(await byTest('result-chart').getByTestId('chart-bar').count(), 2);
      assert.equal(await byTest('chart-measure').count(), 0, 'one measure, no selector');
      await shot('14-protected-query');
      // A single number has no chart; the note says why.
      await page.getByLabel('SQL').fill(SINGLE_NUMBER);
      await page.getByRole('button', { name: 'Run query' }).click();
      await visible(byTest('chart-note'));
      assert.equal(await byTest('result-chart').getAttribute('data-kind'), 'none');
      assert.match(await byTest('chart-note').textContent(), /No chart for this result/);
      // Over time: a result whose first column is a date is drawn as a line, in time order. The
      // test's tables hold no dates a query may output, so the chart is drawn from such a result.
      const line = await page.evaluate(async () => {
        const { resultChart } = await import('/console/static/chart.js');
        const el = resultChart(['day', 'impressions', 'users'],
          [['2026-10-03', '143', '51'], ['2026-10-01', '120', '40'], ['2026-10-02', '95.5', '38']]);
        el.dataset.testid = 'line-sample';
        document.querySelector('[data-testid="result"] .body').append(el);
        return {
          kind: el.dataset.kind, title: el.querySelector('svg > title').textContent,
          points: [...el.querySelectorAll('circle title')].map((t) => t.textContent),
        };
      });
      assert.deepEqual(line, { kind: 'line', title: 'Line chart of impressions over day',
        points: ['2026-10-01: 120', '2026-10-02: 95.5', '2026-10-03: 143'] });
      await byTest('line-sample').screenshot({ path: path.join(SHOTS, '14b-line-chart.png') });
      step('protected query ran');

      // Change requests. The partner proposes two members of `Partner changes`; the advertiser's
      // votes wait, marked on the list and on the collaboration.
      const changes = JSON.parse(execFileSync('python3', [path.join(here, 'prepare_data.py'), 'changes', dataDir, server.url, ACCOUNT], {
        encoding: 'utf8',
        env: {
          ...process.env, CR_ACCESS_KEY_ID: partnerKeys.accessKeyId, CR_SECRET_ACCESS_KEY: partnerKeys.secretAccessKey,
          CR_MEMBER_ACCESS_KEY_ID: keys.accessKeyId, CR_MEMBER_SECRET_ACCESS_KEY: keys.secretAccessKey,
        },
      }));
      assert.equal(changes.ownStatus, 'APPROVED', 'no other member votes in Direct analysis');
      await nav('Collaborations');
      const partnerRow = byTest('collaborations-active').locator('tbody tr', { hasText: 'Partner changes' });
      await visible(partnerRow.getByTestId('pending-votes'));
      assert.equal((await partnerRow.getByTestId('pending-votes').textContent()).trim(), '2 votes pending');
      await shot('15-pending-votes');
      await partnerRow.getByRole('link', { name: 'Partner changes' }).click();
      await visible(page.getByText('2 change requests wait for your vote'));
      assert.equal((await page.getByRole('tab', { name: /Change requests/ }).getByTestId('pending-votes').textContent()).trim(), '2');
      await byTest('vote-link').click();
      const requestRow = (id) => byTest('change-requests').locator('tbody tr', { hasText: id.slice(0, 8) });
      await visible(requestRow(changes.approveId));
      assert.match(await requestRow(changes.approveId).textContent(), /Add member.*682015433333/);
      assert.equal(await byTest('change-requests').getByTestId('change-request-commit').count(), 0, 'only the creator commits');
      await shot('16-change-requests');
      await requestRow(changes.approveId).getByTestId('change-request-approve').click();
      await visible(page.getByText(`Change request ${changes.approveId.slice(0, 8)}: Approve done`));
      assert.equal((await requestRow(changes.approveId).getByTestId('change-request-status').textContent()).trim(), 'Approved');
      await requestRow(changes.denyId).getByTestId('change-request-deny').click();
      await visible(page.getByText(`Change request ${changes.denyId.slice(0, 8)}: Deny done`));
      assert.equal((await requestRow(changes.denyId).getByTestId('change-request-status').textContent()).trim(), 'Denied');
      assert.equal(await byTest('pending-votes').count(), 0, 'no vote waits any more');
      assert.equal(await byTest('change-requests').locator('button').count(), 0, 'nothing left for this account to do');
      // What the page does not offer, the console refuses as the API does, in its words.
      const base = `/cleanrooms/collaborations/${changes.collaborationId}/changeRequests/${changes.approveId}`;
      const commit = await consoleCall('PATCH', base, { aws: ACCOUNT, body: { action: 'COMMIT' } });
      assert.equal(commit.status, changes.commitRefused.status);
      assert.equal(commit.body.message, changes.commitRefused.message);
      const foreignTags = await consoleCall('GET', `/cleanrooms/tags/${encodeURIComponent(changes.collaborationArn)}`, { aws: ACCOUNT });
      assert.equal(foreignTags.status, changes.tagsRefused.status);
      assert.equal(foreignTags.body.message, changes.tagsRefused.message);
      // The partner's collaboration's tags are the partner's.
      await page.getByRole('tab', { name: 'Members' }).click();
      assert.match(await byTest('collaboration-tags').textContent(), /Tags are kept by the collaboration's creator, account 682015422222/);
      step('votes cast');

      // The advertiser's own request in Direct analysis: approved at once, committed here.
      await nav('Collaborations');
      await page.getByRole('link', { name: 'Direct analysis' }).click();
      await page.getByRole('tab', { name: 'Change requests' }).click();
      await requestRow(changes.ownId).getByTestId('change-request-commit').click();
      await visible(page.getByText(`Change request ${changes.ownId.slice(0, 8)}: Commit done`));
      assert.equal((await requestRow(changes.ownId).getByTestId('change-request-status').textContent()).trim(), 'Committed');
      await shot('17-change-request-committed');
      await page.getByRole('tab', { name: 'Members' }).click();
      await visible(byTest('members').locator('tbody tr', { hasText: '682015455555' }).getByText('Invited'));
      step('change committed');

      // Tags: the membership's and the collaboration's, added and removed by their owner; a key
      // the API refuses shows its message.
      const membershipTags = byTest('membership-tags');
      await membershipTags.getByLabel('Tag key').fill('team');
      await membershipTags.getByLabel('Tag value').fill('analytics');
      await membershipTags.getByRole('button', { name: 'Add tag' }).click();
      await visible(membershipTags.locator('[data-testid="tag"][data-key="team"]'));
      await membershipTags.getByLabel('Tag key').fill('aws:owner');
      await membershipTags.getByRole('button', { name: 'Add tag' }).click();
      await visible(membershipTags.locator('.banner.bad'));
      assert.match(await membershipTags.locator('.banner.bad').textContent(), /aws:/);
      const collaborationTags = byTest('collaboration-tags');
      await collaborationTags.getByLabel('Tag key').fill('purpose');
      await collaborationTags.getByLabel('Tag value').fill('crm analysis');
      await collaborationTags.getByRole('button', { name: 'Add tag' }).click();
      await visible(collaborationTags.locator('[data-testid="tag"][data-key="purpose"]'));
      await shot('18-tags');
      await membershipTags.getByRole('button', { name: 'Remove tag team' }).click();
      await visible(membershipTags.getByText('No tags'));
      const directArn = await consoleCall('GET', `/cleanrooms/collaborations/${changes.directId}`, { aws: ACCOUNT })
        .then((r) => r.body.collaboration.arn);
      const collaborationTagList = await consoleCall('GET', `/cleanrooms/tags/${encodeURIComponent(directArn)}`, { aws: ACCOUNT });
      assert.deepEqual(collaborationTagList.body.tags, { purpose: 'crm analysis' });
      // A configured table's tags, on Tables and data.
      await nav('Tables and data');
      const tableTags = byTest('configured-table-tags-customers');
      await tableTags.getByLabel('Tag key').fill('source');
      await tableTags.getByLabel('Tag value').fill('crm');
      await tableTags.getByRole('button', { name: 'Add tag' }).click();
      await visible(tableTags.locator('[data-testid="tag"][data-key="source"]'));
      step('tags');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await visible(page.getByRole('button', { name: 'Sign in' }));
      step('signed out');
    } catch (e) {
      await shot('failure').catch(() => {});
      t.diagnostic(`server log:\n${server.log.join('').slice(-4000)}`);
      throw e;
    }
  });

  test('sessions, CSRF and security headers', async () => {
    const page0 = await fetch(`${server.url}/console/`);
    assert.equal(page0.status, 200);
    assert.match(page0.headers.get('content-security-policy'), /script-src 'self'/);
    assert.match(page0.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(page0.headers.get('x-frame-options'), 'DENY');
    assert.equal(page0.headers.get('x-content-type-options'), 'nosniff');
    assert.doesNotMatch(await page0.text(), /<script>/, 'no inline script');

    const origin = server.url;
    const signIn = (headers, body) => fetch(`${server.url}/console/api/session`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body),
    });
    // Another site cannot sign a browser in, and unknown users get the same answer as wrong passwords.
    assert.equal((await signIn({ Origin: 'http://evil.example' }, { email: EMAIL, password: PASSWORD })).status, 403);
    const unknown = await signIn({ Origin: origin }, { email: 'nobody@example.com', password: PASSWORD });
    const wrong = await signIn({ Origin: origin }, { email: EMAIL, password: 'wrong password' });
    assert.equal(unknown.status, 401);
    assert.deepEqual((await unknown.json()).message, (await wrong.json()).message);
    // Guessing is slowed per email, known or not: after five failures the sixth try must wait.
    for (let i = 0; i < 5; i++) await signIn({ Origin: origin }, { email: 'guessed@example.com', password: `guess ${i}` });
    const throttled = await signIn({ Origin: origin }, { email: 'guessed@example.com', password: 'guess 5' });
    assert.equal(throttled.status, 429);
    assert.match((await throttled.json()).message, /too many failed sign-ins for this email; try again in \d+ s/);

    const ok = await signIn({ Origin: origin }, { email: EMAIL, password: PASSWORD });
    assert.equal(ok.status, 200);
    const cookie = ok.headers.get('set-cookie');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/console/);
    const { csrfToken } = await ok.json();
    const session = cookie.split(';')[0];
    const create = (headers) => fetch(`${server.url}/console/api/amc/instances`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: session, Origin: origin, 'X-Amc-Account': advertiserId, ...headers },
      body: JSON.stringify({ instanceName: 'csrf_check', awsAccountId: ACCOUNT, acrBacked: true }),
    });
    assert.equal((await create({})).status, 403, 'no CSRF token');
    assert.equal((await create({ 'X-CSRF-Token': 'x'.repeat(csrfToken.length) })).status, 403, 'wrong CSRF token');
    assert.equal((await create({ 'X-CSRF-Token': csrfToken, Origin: 'http://evil.example' })).status, 403, 'other origin');
    // The primary account left the instance's collaboration (the first test): its executions and
    // their results are no longer the account's to read.
    const amc = (p) => fetch(`${server.url}/console/api/amc${p}`, { headers: { Cookie: session, 'X-Amc-Account': advertiserId } });
    for (const p of [executionPath.replace(/\/[^/]+$/, ''), executionPath, `${executionPath}/result`]) {
      const refused = await amc(p);
      assert.equal(refused.status, 403, p);
      assert.match((await refused.json()).message, /only active members read its queries and results/);
    }
    // Another AMC account is not the user's to act in.
    const foreign = await fetch(`${server.url}/console/api/amc/instances`, { headers: { Cookie: session, 'X-Amc-Account': 'ENTITYNOTMINE0000' } });
    assert.equal(foreign.status, 403);
    // Without the account to act in, or with one the user has no role in, the call says so.
    const noAccount = await fetch(`${server.url}/console/api/amc/instances`, { headers: { Cookie: session } });
    assert.equal(noAccount.status, 400);
    assert.match((await noAccount.json()).message, /the X-Amc-Account header is missing/);
    const cleanRooms = (p, account) => fetch(`${server.url}/console/api/cleanrooms${p}`, { headers: { Cookie: session, 'X-Aws-Account': account } });
    const notMine = await cleanRooms('/collaborations', '999999999999');
    assert.equal(notMine.status, 403);
    assert.match((await notMine.json()).message, /the user has no role in AWS account '999999999999'/);
    // Only the Clean Rooms operations the pages use are open.
    const closed = await cleanRooms('/memberships/00000000-0000-0000-0000-000000000000/analysistemplates', ACCOUNT);
    assert.equal(closed.status, 404);
    assert.match((await closed.json()).message, /the console makes no Clean Rooms call at GET \/memberships\/.*\/analysistemplates/);
    const me = () => fetch(`${server.url}/console/api/session`, { headers: { Cookie: session } }).then((r) => r.json());
    assert.equal((await me()).signedIn, true);
    // Signing out ends the session on the server, not only in the browser.
    const out = await fetch(`${server.url}/console/api/session`, {
      method: 'DELETE', headers: { Cookie: session, Origin: origin, 'X-CSRF-Token': csrfToken },
    });
    assert.equal(out.status, 200);
    assert.equal((await me()).signedIn, false);
    const anonymous = await fetch(`${server.url}/console/api/amc/instances`, { headers: { Cookie: session, 'X-Amc-Account': advertiserId } });
    assert.equal(anonymous.status, 401);
  });
});
