// Marketing Cloud: one instance. The Instance info tab (status, its collaboration and members,
// advertisers, users and invitations), the Query editor tab, which runs SQL as an AMC
// workflow execution: the platform's Query Submitter runs it and the result goes to the primary
// account's results destination, and the Schedules tab, the saved workflows run on the clock.
import * as api from '../api.js';
import { badge, banner, bdi, breadcrumbs, details, emptyState, field, h, label, panel, table, tabs, when } from '../dom.js';
import { queryEditor } from '../query_editor.js';
import { cleanRoomsHref, collaborationStatus, joinBanner, noAmcAccount } from './instances.js';

const ENDED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const SAMPLE_SQL = 'SELECT campaign, COUNT(DISTINCT user_id) AS users, SUM(impressions) AS impressions\nFROM dsp_impressions\nGROUP BY campaign';

function abilities(list) {
  return list.length ? list.map((a) => h('span', { class: 'chip' }, label(a))) : h('span', { class: 'muted' }, 'None');
}

function membersTable(members) {
  return table([
    { title: 'Member', cell: (m) => bdi(m.displayName) },
    { title: 'AWS account', cell: (m) => h('span', { class: 'mono' }, m.awsAccountId) },
    { title: 'Abilities', cell: (m) => abilities(m.abilities) },
    { title: 'Status', cell: (m) => badge(m.status) },
  ], members, emptyState('No members'));
}

async function usersPanels(ctx) {
  const base = `/amc/accounts/${api.q(ctx.amc)}`;
  const [{ users }, { invitations }] = await Promise.all([
    api.get(`${base}/users`, { amc: ctx.amc }), api.get(`${base}/invitations`, { amc: ctx.amc })]);
  const email = h('input', { type: 'email', name: 'inviteEmail', placeholder: 'name@example.com' });
  const role = h('select', { name: 'inviteRole' }, h('option', { value: 'USER' }, 'User'), h('option', { value: 'ADMIN' }, 'Admin'));
  const message = h('div', {});
  const invite = h('form', {
    class: 'invite-form',
    onsubmit: async (e) => {
      e.preventDefault();
      message.replaceChildren();
      try {
        await api.post(`${base}/invitations`, { email: email.value.trim(), role: role.value }, { amc: ctx.amc });
        ctx.setFlash('ok', 'Invitation sent', `${email.value.trim()} can accept it after signing in.`);
        ctx.refresh();
      } catch (err) {
        message.append(banner('bad', 'The invitation was not sent', err.message));
      }
    },
  }, field('Invite by email', email), field('Role', role), h('button', { type: 'submit' }, 'Invite user'));
  return [
    panel('Users', table([
      { title: 'Email', cell: (u) => u.email },
      { title: 'Role', cell: (u) => label(u.role) },
    ], users, emptyState('No users')), { count: users.length, flush: true }),
    panel('Invitations', [
      table([
        { title: 'Email', cell: (i) => i.email },
        { title: 'Role', cell: (i) => label(i.role) },
        { title: 'Status', cell: (i) => badge(i.status) },
        { title: 'Sent', cell: (i) => when(i.creationDatetime) },
      ], invitations, emptyState('No invitations', 'Invite users of your organisation to work in this AMC account.')),
      h('div', { class: 'pad' }, message, invite),
    ], { count: invitations.length, flush: true }),
  ];
}

async function infoTab(ctx, instance) {
  const c = instance.acrCollaboration;
  const base = `/amc/instances/${api.q(instance.instanceId)}`;
  const [{ advertisers }, { collaboration }] = await Promise.all([
    api.get(`${base}/advertisers`, { amc: ctx.amc }),
    api.get(`${base}/collaboration`, { amc: ctx.amc }),
  ]);
  return [
    panel('Instance info', details([
      ['Instance ID', h('span', { class: 'mono' }, instance.instanceId)],
      ['Status', h('span', { 'data-testid': 'instance-status' }, badge(instance.creationStatus))],
      ['Primary AWS account', h('span', { class: 'mono' }, instance.awsAccountId)],
      ['Customer canonical name', instance.customerCanonicalName],
      ['Instance type', label(instance.instanceType)],
      ['Entities', instance.entities.join(', ')],
      ['Data upload AWS account', h('span', { class: 'mono' }, instance.dataUploadAwsAccountId)],
      ['Created', when(instance.creationDatetime)],
    ])),
    panel('AWS Clean Rooms collaboration', [
      details([
        ['Name', bdi(c.name)],
        ['Collaboration status', h('span', { 'data-testid': 'collaboration-status' }, collaborationStatus(c.status))],
        ['Collaboration ID', h('span', { class: 'mono' }, c.id)],
        ['Description', c.description ? bdi(c.description) : ''],
      ]),
      h('h3', {}, 'Members'),
      membersTable(collaboration.members),
    ], {
      actions: ['Invited', 'Active'].includes(c.status)
        ? h('a', { class: 'button', href: cleanRoomsHref(instance), 'data-testid': 'go-to-clean-rooms' }, 'Go to Clean Rooms') : null,
    }),
    panel('Advertisers', table([
      { title: 'Advertiser ID', cell: (a) => h('span', { class: 'mono' }, a.id) },
      { title: 'Marketplace', cell: (a) => a.marketplaceId },
      { title: 'Type', cell: (a) => label(a.type) },
    ], advertisers, emptyState('No advertisers yet', 'Add the advertisers whose data the instance reads with POST /amc/instances/{instanceId}/advertisers/updates.')),
    { count: advertisers.length, flush: true }),
    ...(await usersPanels(ctx)),
  ];
}

function dateTime(d) {
  return d.toISOString().slice(0, 19);
}

function amcBackend(ctx, instance, meta) {
  const base = `/amc/reporting/${api.q(instance.instanceId)}/workflowExecutions`;
  const opts = { amc: ctx.amc };
  return {
    start: async (sql) => {
      const e = await api.post(base, {
        workflow: { workflowId: 'console_query', sqlQuery: sql },
        timeWindowStart: meta.start.value.trim(), timeWindowEnd: meta.end.value.trim(),
        timeWindowTimeZone: 'UTC', timeWindowType: 'EXPLICIT',
      }, opts);
      return e.workflowExecutionId;
    },
    poll: async (id) => {
      const e = await api.get(`${base}/${api.q(id)}`, opts);
      if (!ENDED.includes(e.status)) return { status: e.status, done: false, fraction: e.progress ? e.progress.fraction : null };
      const summary = e.filteredRowsSummary;
      return {
        status: e.status, done: true, ok: e.status === 'SUCCEEDED', message: e.statusReason,
        meta: summary && summary.filteredRowCount ? `${summary.filteredRowCount} row(s) removed by the privacy thresholds` : '',
      };
    },
    cancel: (id) => api.call('PUT', `${base}/${api.q(id)}`, { ...opts, body: { status: 'CANCELLED' } }),
    result: (id) => api.get(`${base}/${api.q(id)}/result`, { ...opts, raw: true }),
    filename: (id, res) => (res.headers.get('Content-Type') || '').includes('parquet') ? `result-${id.slice(0, 8)}.parquet` : `result-${id.slice(0, 8)}.csv`,
  };
}

async function queriesTab(ctx, instance) {
  if (instance.creationStatus !== 'ACTIVE' || instance.acrCollaboration.status !== 'Active') {
    return [banner('warn', 'Queries cannot run yet',
      instance.acrCollaboration.status === 'Invited'
        ? [`The primary AWS account ${instance.awsAccountId} must first create its membership in `, bdi(instance.acrCollaboration.name), '.']
        : `The primary AWS account left the collaboration (${instance.acrCollaboration.status}); no query can run in this instance.`)];
  }
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const start = h('input', { type: 'text', name: 'timeWindowStart', value: dateTime(new Date(today.getTime() - 30 * 86400000)) });
  const end = h('input', { type: 'text', name: 'timeWindowEnd', value: dateTime(new Date(today.getTime() + 86400000)) });
  const historyBody = h('div', {});
  const loadHistory = async () => {
    const { executions } = await api.get(`/amc/reporting/${api.q(instance.instanceId)}/workflowExecutions?limit=10`, { amc: ctx.amc });
    historyBody.replaceChildren(table([
      { title: 'Execution', cell: (e) => h('span', { class: 'mono' }, e.workflowExecutionId.slice(0, 8)) },
      { title: 'Status', cell: (e) => badge(e.status) },
      { title: 'Started', cell: (e) => when(e.createdTime) },
      { title: 'Rows', num: true, cell: (e) => (e.filteredRowsSummary ? e.filteredRowsSummary.outputRowCount : '') },
      { title: 'Schedule', cell: (e) => (e.scheduleId ? h('span', { class: 'mono' }, e.scheduleId) : '') },
      { title: '', cell: (e) => h('button', { type: 'button', class: 'link', onclick: () => { editor.show(e.workflowExecutionId, (e.workflow && e.workflow.sqlQuery) || ''); window.scrollTo(0, 0); } }, 'Show') },
    ], executions, emptyState('No executions yet', 'Run a query above; its executions are listed here.')));
  };
  const editor = queryEditor({
    sql: SAMPLE_SQL,
    onFinished: () => loadHistory().catch(() => {}),
    hint: 'Runs as an AMC workflow execution. Every table\'s analysis rule is checked first; rows that stand for too few users never leave the engine. The result goes to the primary account\'s results destination.',
    extras: [field('Time window start (UTC)', start), field('Time window end (UTC)', end)],
    backend: amcBackend(ctx, instance, { start, end }),
    onLeave: ctx.onLeave,
  });
  await loadHistory();
  return [editor.element, panel('Recent executions', historyBody, { flush: true, testid: 'executions' })];
}

// The instance's schedules (docs/amc-api.md, "Schedules"); enabling or disabling one replaces it
// whole with PUT, as the API asks.
async function schedulesTab(ctx, instance) {
  const base = `/amc/reporting/${api.q(instance.instanceId)}/schedules`;
  const schedules = await api.all((token) => api.get(`${base}${token ? `?nextToken=${api.q(token)}` : ''}`, { amc: ctx.amc }), 'schedules');
  const toggle = async (button, s) => {
    button.disabled = true;
    const body = {
      workflowId: s.workflowId, aggregationPeriod: s.aggregationPeriod, aggregationHourUtc: s.aggregationHourUtc,
      aggregationStartDay: s.aggregationStartDay, scheduleEnabled: !s.scheduleEnabled,
    };
    try {
      await api.call('PUT', `${base}/${api.q(s.scheduleId)}`, { amc: ctx.amc, body });
      ctx.setFlash('ok', `Schedule ${s.scheduleId} ${s.scheduleEnabled ? 'disabled' : 'enabled'}`, '');
    } catch (err) {
      ctx.setFlash('bad', `Schedule ${s.scheduleId} was not changed`, err.message);
    }
    ctx.refresh();
  };
  return [panel('Schedules', table([
    { title: 'Schedule', cell: (s) => h('span', { class: 'mono' }, s.scheduleId) },
    { title: 'Workflow', cell: (s) => h('span', { class: 'mono' }, s.workflowId) },
    { title: 'Runs', cell: (s) => `${s.aggregationPeriod} at ${String(s.aggregationHourUtc).padStart(2, '0')}:00 UTC${s.aggregationPeriod === 'Weekly' && s.aggregationStartDay ? `, ${s.aggregationStartDay}` : ''}` },
    { title: 'Status', cell: (s) => (s.scheduleEnabled ? badge('ENABLED', 'Enabled') : badge('DISABLED', 'Disabled')) },
    { title: 'Last run', cell: (s) => h('span', { class: 'nowrap' }, s.lastRunTime ? when(s.lastRunTime) : '—') },
    { title: 'Next run', cell: (s) => h('span', { class: 'nowrap' }, s.nextRunTime ? when(s.nextRunTime) : '—') },
    { title: '', cell: (s) => h('button', { type: 'button', class: 'link', onclick: (e) => toggle(e.currentTarget, s) }, s.scheduleEnabled ? 'Disable' : 'Enable') },
  ], schedules, emptyState('No schedules', 'A schedule runs a saved workflow daily or weekly (POST /amc/reporting/{instanceId}/schedules); its runs are listed with the executions.')),
  { count: schedules.length, flush: true, testid: 'schedules' })];
}

export async function instancePage(ctx) {
  if (!ctx.amc) return noAmcAccount();
  const id = ctx.params.instanceId;
  const { instance } = await api.get(`/amc/instances/${api.q(id)}`, { amc: ctx.amc });
  const tab = ['queries', 'schedules'].includes(ctx.query.get('tab')) ? ctx.query.get('tab') : 'info';
  const c = instance.acrCollaboration;
  const href = `/console/amc/instances/${api.q(id)}`;
  const body = await { info: infoTab, queries: queriesTab, schedules: schedulesTab }[tab](ctx, instance);
  return h('div', {},
    breadcrumbs([['Marketing Cloud'], ['Instances', '/console/amc/instances'], [bdi(instance.instanceName)]]),
    h('div', { class: 'page-head' },
      h('div', { class: 'title' }, h('h1', {}, bdi(instance.instanceName)), badge(instance.creationStatus))),
    ctx.flash ? banner(ctx.flash.tone, ctx.flash.title, ctx.flash.text) : null,
    c.status === 'Invited' ? joinBanner(instance) : null,
    c.status === 'Left' ? banner('warn', 'The primary account left this collaboration',
      'The instance can no longer be used or joined again. Results already delivered stay in the results bucket.') : null,
    tabs([['info', 'Instance info', href], ['queries', 'Query editor', `${href}?tab=queries`],
      ['schedules', 'Schedules', `${href}?tab=schedules`]], tab),
    body);
}
