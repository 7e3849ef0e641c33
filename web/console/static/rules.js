// An analysis rule, as its owner wrote it, in words: what may be aggregated and how, what may be
// joined on, grouped by or listed, and the minimum each output row must stand for.
import { h, label } from './dom.js';

const chips = (list, mono = true) => (list && list.length
  ? list.map((c) => h('span', { class: mono ? 'chip mono' : 'chip' }, c))
  : h('span', { class: 'muted' }, 'None'));

export function ruleDetails(type, policy) {
  const body = (policy && policy.v1) || policy || {};
  const rows = [];
  if (type === 'AGGREGATION' && body.aggregation) {
    const a = body.aggregation;
    rows.push(['Aggregations', (a.aggregateColumns || []).map((c) =>
      h('span', { class: 'chip mono' }, `${c.function}(${c.columnNames.join(', ')})`))]);
    rows.push(['Dimension columns', chips(a.dimensionColumns)]);
    rows.push(['Join columns', chips(a.joinColumns)]);
    if (a.joinRequired) rows.push(['Join required', label(a.joinRequired)]);
    if (a.allowedJoinOperators) rows.push(['Join operators', chips(a.allowedJoinOperators)]);
    rows.push(['Scalar functions', chips(a.scalarFunctions)]);
    rows.push(['Output constraints', (a.outputConstraints || []).length
      ? a.outputConstraints.map((c) => h('span', { class: 'chip' }, `at least ${c.minimum} ${label(c.type).toLowerCase()} ${c.columnName}`))
      : h('span', { class: 'muted' }, 'None')]);
  } else if (type === 'LIST' && body.list) {
    const l = body.list;
    rows.push(['List columns', chips(l.listColumns)]);
    rows.push(['Join columns', chips(l.joinColumns)]);
    if (l.allowedJoinOperators) rows.push(['Join operators', chips(l.allowedJoinOperators)]);
  } else if (type === 'CUSTOM' && body.custom) {
    const c = body.custom;
    rows.push(['Allowed analyses', chips(c.allowedAnalyses)]);
    if (c.allowedAnalysisProviders) rows.push(['Analysis providers', chips(c.allowedAnalysisProviders)]);
    if (c.differentialPrivacy) rows.push(['Differential privacy', 'On']);
  } else {
    rows.push(['Policy', h('code', {}, JSON.stringify(policy))]);
  }
  return h('dl', { class: 'rule', 'data-testid': 'rule' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
