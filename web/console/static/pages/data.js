// Clean Rooms: the acting account's own data. Its datasets, the configured tables that expose
// them with their analysis rules and tags, and where those tables are associated.
import * as api from '../api.js';
import { badge, breadcrumbs, details, emptyState, h, label, panel, table, when } from '../dom.js';
import { ruleDetails } from '../rules.js';
import { tagEditor } from '../tags.js';
import { actingAs, noAwsAccount } from './collaborations.js';

function columnChips(columns) {
  return columns.map((c) => h('span', { class: c.pii ? 'chip mono pii' : 'chip mono', title: c.type },
    c.pii ? `${c.name} · ${c.pii}` : c.name));
}

async function configuredTables(ctx) {
  const list = await api.all((token) => api.cleanrooms.get(`/configuredTables${token ? `?nextToken=${api.q(token)}` : ''}`, ctx.aws),
    'configuredTableSummaries');
  return Promise.all(list.map(async (summary) => {
    const { configuredTable: t } = await api.cleanrooms.get(`/configuredTables/${api.q(summary.id)}`, ctx.aws);
    const type = t.analysisRuleTypes[0];
    const rule = type
      ? ruleDetails(type, (await api.cleanrooms.get(`/configuredTables/${api.q(t.id)}/analysisRule/${api.q(type)}`, ctx.aws)).analysisRule.policy)
      : h('p', { class: 'muted' }, 'No analysis rule yet: the table cannot be queried in a collaboration.');
    return panel(t.name, [
      details([
        ['Dataset', h('span', { class: 'mono' }, `${t.tableReference.glue.databaseName}.${t.tableReference.glue.tableName}`)],
        ['Analysis method', label(t.analysisMethod)],
        ['Analysis rule', type ? badge('ACTIVE', label(type)) : 'None'],
        ['Updated', when(t.updateTime)],
      ]),
      h('h3', {}, 'Allowed columns'),
      h('div', {}, t.allowedColumns.map((c) => h('span', { class: 'chip mono' }, c))),
      h('h3', {}, 'Analysis rule'),
      rule,
      h('h3', {}, 'Tags'),
      tagEditor(ctx, t.arn, { testid: `configured-table-tags-${t.name}` }),
    ], { testid: `configured-table-${t.name}` });
  }));
}

async function associations(ctx) {
  const memberships = await api.all((token) => api.cleanrooms.get(
    `/memberships?status=ACTIVE${token ? `&nextToken=${api.q(token)}` : ''}`, ctx.aws), 'membershipSummaries');
  const rows = [];
  await Promise.all(memberships.map(async (m) => {
    const list = await api.all((token) => api.cleanrooms.get(
      `/memberships/${api.q(m.id)}/configuredTableAssociations${token ? `?nextToken=${api.q(token)}` : ''}`, ctx.aws),
    'configuredTableAssociationSummaries');
    for (const a of list) rows.push({ ...a, collaborationName: m.collaborationName, collaborationId: m.collaborationId });
  }));
  return table([
    { title: 'Name in SQL', cell: (a) => h('span', { class: 'mono' }, a.name) },
    { title: 'Collaboration', cell: (a) => h('a', { href: `/console/cleanrooms/collaborations/${api.q(a.collaborationId)}?tab=tables` }, a.collaborationName) },
    { title: 'Configured table', cell: (a) => h('span', { class: 'mono' }, a.configuredTableId) },
    { title: 'Associated', cell: (a) => when(a.createTime) },
  ], rows, emptyState('No associations', 'Associate a configured table with a membership to bring it into that collaboration.'));
}

export async function dataPage(ctx) {
  const head = [
    breadcrumbs([['Clean Rooms'], ['Tables and data']]),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Tables and data'), actingAs(ctx))),
  ];
  if (!ctx.aws) return h('div', {}, head, noAwsAccount());
  const [{ datasets }, tables, assoc] = await Promise.all([
    api.get('/datasets', { aws: ctx.aws }), configuredTables(ctx), associations(ctx)]);
  return h('div', {}, head,
    panel('Datasets', table([
      { title: 'Table', cell: (d) => h('span', { class: 'mono' }, `${d.databaseName}.${d.tableName}`) },
      { title: 'Columns', cell: (d) => columnChips(d.columns) },
      { title: 'Rows', num: true, cell: (d) => d.rowCount.toLocaleString() },
      { title: 'Version', num: true, cell: (d) => d.version },
      { title: 'Updated', cell: (d) => h('span', { class: 'nowrap' }, when(d.updateTime)) },
    ], datasets, emptyState('No datasets yet', 'Upload one with `cleanroom upload --account ACCOUNT --table db.table file.csv`; identity columns are hashed on the way in.')),
    { count: datasets.length, flush: true, testid: 'datasets' }),
    h('h2', {}, 'Configured tables'),
    tables.length ? tables : panel(null, emptyState('No configured tables yet', 'A configured table exposes a dataset\'s allowed columns with an analysis rule (CreateConfiguredTable).')),
    panel('Associations', assoc, { flush: true }));
}
