/* global document, window, fetch, URL, URLSearchParams, Blob, atob, console */
import { $, h, svg } from './dom.js';
/**
 * Continuum auditor console. Plain DOM, no framework, nothing loaded from outside the hub. The
 * bearer token lives in `state.token` only (never in storage, never in the URL) and every request
 * declares purpose AUDIT. Values from the hub are put in the page as text, never as HTML.
 */

const PURPOSES = ['RETURN_COUNSELLING', 'RETURN_PREPARATION', 'CONTINUITY_OF_CARE', 'REINTEGRATION_ASSISTANCE', 'REFERRAL', 'MONITORING_EVALUATION', 'STATISTICS', 'AUDIT', 'OPERATIONS'];
const OUTCOMES = ['OK', 'PARTIAL', 'DENIED', 'REFUSED', 'ERROR'];
const KINDS = ['ACCESS', 'CONSENT_CHANGE', 'TRANSFER_BASIS_CHANGE', 'REGISTRY'];
const PAGE = 25;

const RECORD_FIELDS = `seq id time kind requestId organisation country officialId roles purpose operationName operationType outcome code subgraphs
  cases { caseRef released { category basis rule paths } denied { category code rule paths } }
  incidents { subgraph coordinate code rule } requestHash responseHash contentHash hash purged`;
const RECORDS_QUERY = `query ConsoleRecords($filter: AuditFilter, $first: Int!, $after: String) {
  auditRecords(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${RECORD_FIELDS} } } }
}`;
const TIMELINE_QUERY = 'query ConsoleTimeline($filter: AuditFilter, $bucket: AuditBucket!) { auditTimeline(filter: $filter, bucket: $bucket) { start purpose outcome count } }';
const CHAIN_QUERY = 'query ConsoleChain { auditChainStatus { ok records purged checkpoints lastSeq sealedUpTo firstBadSeq problems { seq kind message } checkedAt } }';
const REPORT_QUERY = `query ConsoleAccessReport($caseRef: CaseRef!) {
  accessReport(caseRef: $caseRef) { caseRef owningMemberState generatedAt accessCount recipientCount purgedCount notice
    accesses { time purpose categories bases recipient { id name country } } }
}`;

const state = {
  token: null,
  filter: {},
  cursors: [null],
  page: 0,
  records: [],
  timeline: [],
};

function showMessage(text, kind = 'error') {
  const box = $('message');
  box.textContent = text;
  box.className = `message no-print${kind === 'info' ? ' info' : ''}`;
  box.hidden = false;
}

function clearMessage() {
  $('message').hidden = true;
}

class HubError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function graphql(query, variables = {}) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}`, 'x-purpose': 'AUDIT' },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new HubError(`The hub answered HTTP ${response.status}.`, 'HTTP', response.status);
  }
  const first = body.errors && body.errors[0];
  if (first && (body.data === null || body.data === undefined || response.status >= 400)) {
    throw new HubError(first.message, (first.extensions && (first.extensions.hubCode || first.extensions.code)) || 'ERROR', response.status);
  }
  return body;
}

function fail(error) {
  if (error instanceof HubError && error.status === 401) {
    signOut();
    showMessage(`Signed out: ${error.message}`);
    return;
  }
  showMessage(error instanceof HubError ? `${error.message} (${error.code})` : 'The hub could not be reached.');
}

/* ---------- sign in ---------- */

function claimsOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return {};
  }
}

async function signIn(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  $('token').value = '';
  if (!token) return;
  state.token = token;
  clearMessage();
  try {
    await graphql(CHAIN_QUERY);
  } catch (error) {
    state.token = null;
    showMessage(error instanceof HubError ? `Sign-in refused: ${error.message} (${error.code})` : 'The hub could not be reached.');
    return;
  }
  const claims = claimsOf(token);
  $('who-text').textContent = [claims.sub, claims.org, Array.isArray(claims.roles) ? claims.roles.join(', ') : null].filter(Boolean).join(' · ');
  $('who').hidden = false;
  $('signin').hidden = true;
  $('workspace').hidden = false;
  await Promise.all([loadChain(), reload()]);
}

function signOut() {
  state.token = null;
  state.records = [];
  $('who').hidden = true;
  $('workspace').hidden = true;
  $('signin').hidden = false;
  $('records-body').replaceChildren();
  $('report').replaceChildren();
  $('report').hidden = true;
  $('detail').hidden = true;
}

/* ---------- chain status ---------- */

async function loadChain() {
  const body = $('chain-body');
  body.replaceChildren(h('span', { class: 'muted' }, 'Verifying the whole chain…'));
  try {
    const { data } = await graphql(CHAIN_QUERY);
    const s = data.auditChainStatus;
    const status = s.ok
      ? h('div', { class: 'status ok', id: 'chain-state', 'data-ok': 'true' }, h('span', { class: 'status-dot' }), 'Intact — every record and checkpoint verifies')
      : h('div', { class: 'status bad', id: 'chain-state', 'data-ok': 'false' }, h('span', { class: 'status-dot' }), `Broken — first bad record #${s.firstBadSeq}`);
    const facts = h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Records'), h('dd', {}, fmt(s.records)),
      h('dt', {}, 'Purged by retention'), h('dd', {}, fmt(s.purged)),
      h('dt', {}, 'Signed checkpoints'), h('dd', {}, fmt(s.checkpoints)),
      h('dt', {}, 'Sealed up to'), h('dd', {}, `#${fmt(s.sealedUpTo)} of #${fmt(s.lastSeq)}`),
      h('dt', {}, 'Checked'), h('dd', {}, when(s.checkedAt)),
    );
    const problems = s.problems.length > 0 ? h('ol', { class: 'problems' }, s.problems.map((p) => h('li', {}, `#${p.seq} ${p.kind}: ${p.message}`))) : null;
    const note = h('p', { class: 'chain-note' }, 'Checked now with the hub’s audit public key: each record’s content hash, every link to the record before it, and every signed checkpoint.');
    body.replaceChildren(status, facts, problems ?? '', note);
  } catch (error) {
    body.replaceChildren(h('div', { class: 'status bad' }, h('span', { class: 'status-dot' }), 'Could not verify the chain'));
    fail(error);
  }
}

/* ---------- filters ---------- */

function fillSelect(id, values) {
  const select = $(id);
  for (const value of values) select.append(h('option', { value }, value.replace(/_/g, ' ').toLowerCase()));
}

function readFilter() {
  const form = $('filter-form');
  const filter = {};
  for (const name of ['caseRef', 'organisation', 'officialId', 'purpose', 'outcome', 'kind']) {
    const value = form.elements[name].value.trim();
    if (value) filter[name] = value;
  }
  for (const name of ['from', 'to']) {
    const value = form.elements[name].value;
    if (value) filter[name] = new Date(`${value}${value.length === 16 ? ':00' : ''}Z`).toISOString();
  }
  return filter;
}

async function applyFilter(event) {
  if (event) event.preventDefault();
  if (!$('filter-form').reportValidity()) return;
  state.filter = readFilter();
  clearMessage();
  await reload();
}

async function reload() {
  state.cursors = [null];
  state.page = 0;
  $('detail').hidden = true;
  await Promise.all([loadRecords(), loadTimeline()]);
}

/* ---------- records ---------- */

const label = (code) => (code ? code.replace(/_/g, ' ').toLowerCase() : '—');
const fmt = (n) => (typeof n === 'number' ? n.toLocaleString('en-GB') : '—');
const when = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace('Z', ' UTC') : '—');

async function loadRecords() {
  try {
    const { data } = await graphql(RECORDS_QUERY, { filter: state.filter, first: PAGE, after: state.cursors[state.page] });
    const connection = data.auditRecords;
    state.records = connection.edges.map((edge) => edge.node);
    if (connection.pageInfo.hasNextPage) state.cursors[state.page + 1] = connection.pageInfo.endCursor;
    else state.cursors.length = state.page + 1;
    renderRecords(connection.totalCount, connection.pageInfo.hasNextPage);
  } catch (error) {
    fail(error);
  }
}

function releasedSummary(record) {
  if (!record.cases) return h('span', { class: 'sub' }, 'purged');
  const released = new Set();
  const denied = new Set();
  for (const c of record.cases) {
    for (const r of c.released) released.add(r.category);
    for (const d of c.denied) denied.add(d.category);
  }
  if (released.size === 0 && denied.size === 0) return h('span', { class: 'sub' }, '—');
  return h('span', {}, released.size ? [...released].sort().join(', ') : '—', denied.size ? h('div', { class: 'sub' }, `denied: ${[...denied].sort().join(', ')}`) : null);
}

function renderRecords(total, hasNext) {
  const body = $('records-body');
  const first = state.page * PAGE + 1;
  $('records-count').textContent = `${fmt(total)} matching`;
  $('page-label').textContent = state.records.length ? `${fmt(first)}–${fmt(first + state.records.length - 1)} of ${fmt(total)}` : '';
  $('newer').disabled = state.page === 0;
  $('older').disabled = !hasNext;
  if (state.records.length === 0) {
    body.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: 8 }, 'No records match.')));
    return;
  }
  body.replaceChildren(
    ...state.records.map((record) =>
      h(
        'tr',
        { 'data-seq': record.seq, onclick: (event) => showDetail(record, event.currentTarget) },
        h('td', { class: 'num nowrap' }, `#${record.seq}`),
        h('td', { class: 'nowrap' }, record.time.slice(0, 10), h('div', { class: 'sub' }, record.time.slice(11, 19))),
        h('td', { class: 'org' }, record.organisation ?? (record.purged ? 'purged' : 'unauthenticated'), h('div', { class: 'sub' }, record.officialId ?? '')),
        h('td', {}, label(record.purpose)),
        h('td', {}, record.operationName ?? record.operationType ?? record.kind, h('div', { class: 'sub' }, record.kind === 'ACCESS' ? record.operationType ?? '' : label(record.kind))),
        h('td', { class: 'nowrap' }, h('span', { class: `badge ${record.outcome}` }, record.outcome), record.code ? h('div', { class: 'sub' }, record.code) : null),
        h('td', { class: 'cases' }, (record.cases ?? []).map((c) => h('button', { type: 'button', class: 'chip', title: 'Open the access report of this case', onclick: (event) => { event.stopPropagation(); openReport(c.caseRef); } }, c.caseRef))),
        h('td', {}, releasedSummary(record)),
      ),
    ),
  );
}

function showDetail(record, row) {
  for (const selected of document.querySelectorAll('.records tr.selected')) selected.classList.remove('selected');
  row.classList.add('selected');
  const lines = [];
  for (const c of record.cases ?? []) {
    for (const r of c.released) lines.push(h('tr', {}, h('td', {}, c.caseRef), h('td', {}, 'released'), h('td', {}, r.category), h('td', {}, `${r.basis} · ${r.rule}`), h('td', { class: 'mono' }, r.paths.join('\n'))));
    for (const d of c.denied) lines.push(h('tr', {}, h('td', {}, c.caseRef), h('td', {}, 'denied'), h('td', {}, d.category), h('td', {}, `${d.code} · ${d.rule}`), h('td', { class: 'mono' }, d.paths.join('\n'))));
  }
  const detail = $('detail');
  detail.replaceChildren(
    h('h3', {}, `Record #${record.seq}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Request id'), h('dd', { class: 'mono' }, record.requestId),
      h('dt', {}, 'Caller'), h('dd', {}, [record.organisation, record.country, record.officialId, (record.roles ?? []).join(', ')].filter(Boolean).join(' · ') || '—'),
      h('dt', {}, 'Subgraphs'), h('dd', {}, (record.subgraphs ?? []).join(', ') || '—'),
      h('dt', {}, 'Incidents'), h('dd', {}, (record.incidents ?? []).map((i) => `${i.subgraph} ${i.coordinate} ${i.code}`).join('; ') || 'none'),
      h('dt', {}, 'Request hash'), h('dd', { class: 'mono' }, record.requestHash ?? '—'),
      h('dt', {}, 'Response hash'), h('dd', { class: 'mono' }, record.responseHash ?? '—'),
      h('dt', {}, 'Content hash'), h('dd', { class: 'mono' }, record.contentHash),
      h('dt', {}, 'Chain hash'), h('dd', { class: 'mono' }, record.hash),
    ),
    lines.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Case'), h('th', {}, 'Decision'), h('th', {}, 'Category'), h('th', {}, 'Basis or code · rule'), h('th', {}, 'Field paths'))), h('tbody', {}, lines)) : h('p', { class: 'muted' }, 'No case data was released or denied by this request.'),
  );
  detail.hidden = false;
}

async function page(delta) {
  state.page = Math.max(0, state.page + delta);
  await loadRecords();
}

async function exportLog(format) {
  clearMessage();
  const params = new URLSearchParams({ format, ...state.filter });
  try {
    const response = await fetch(`/audit/export?${params}`, { headers: { authorization: `Bearer ${state.token}`, 'x-purpose': 'AUDIT' } });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      const first = body && body.errors && body.errors[0];
      throw new HubError(first ? first.message : `HTTP ${response.status}`, first ? first.extensions.hubCode : 'HTTP', response.status);
    }
    const blob = await response.blob();
    const url = URL.createObjectURL(new Blob([blob], { type: blob.type }));
    const link = h('a', { href: url, download: `continuum-audit.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    fail(error);
  }
}

/* ---------- timeline chart (SVG drawn here) ---------- */

async function loadTimeline() {
  try {
    const { data } = await graphql(TIMELINE_QUERY, { filter: state.filter, bucket: $('chart-bucket').value });
    state.timeline = data.auditTimeline;
    drawChart();
  } catch (error) {
    fail(error);
  }
}

function bucketLabel(iso) {
  const bucket = $('chart-bucket').value;
  if (bucket === 'HOUR') return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  if (bucket === 'MONTH') return iso.slice(0, 7);
  return iso.slice(0, 10);
}

function drawChart() {
  const group = $('chart-group').value;
  const points = state.timeline;
  const starts = [...new Set(points.map((p) => p.start))].sort();
  const keys = [...new Set(points.map((p) => p[group] ?? 'NONE'))].sort((a, b) => (group === 'outcome' ? OUTCOMES.indexOf(a) - OUTCOMES.indexOf(b) : a.localeCompare(b)));
  const palette = group === 'outcome' ? { OK: 1, PARTIAL: 2, DENIED: 7, REFUSED: 4, ERROR: 8 } : null;
  const seriesOf = (key) => `series-${palette ? (palette[key] ?? 9) : keys.indexOf(key) % 10}`;

  const width = 760;
  const height = 250;
  const margin = { top: 12, right: 12, bottom: 34, left: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const totals = starts.map((start) => points.filter((p) => p.start === start).reduce((n, p) => n + p.count, 0));
  const max = Math.max(1, ...totals);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const y = (value) => margin.top + plotH - (value / top) * plotH;

  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Accesses per ${$('chart-bucket').value.toLowerCase()} by ${group}`, id: 'chart-svg' });
  for (let value = 0; value <= top; value += step) {
    chart.append(svg('line', { class: value === 0 ? 'axis' : 'grid-line', x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value) }));
    chart.append(svg('text', { class: 'tick', x: margin.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, String(value)));
  }
  if (starts.length === 0) {
    chart.append(svg('text', { class: 'empty', x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'No records in this range.'));
  }
  const slot = plotW / Math.max(starts.length, 1);
  const barW = Math.max(4, Math.min(48, slot * 0.62));
  const labelEvery = Math.ceil(starts.length / 10);
  starts.forEach((start, i) => {
    const x = margin.left + slot * i + (slot - barW) / 2;
    let base = 0;
    for (const key of keys) {
      const count = points.filter((p) => p.start === start && (p[group] ?? 'NONE') === key).reduce((n, p) => n + p.count, 0);
      if (count === 0) continue;
      const bar = svg('rect', { class: `bar ${seriesOf(key)}`, x, y: y(base + count), width: barW, height: Math.max(1, y(base) - y(base + count)), rx: 2 });
      bar.append(svg('title', {}, `${bucketLabel(start)} · ${key === 'NONE' ? 'no purpose' : label(key)}: ${count}`));
      chart.append(bar);
      base += count;
    }
    if (i % labelEvery === 0) chart.append(svg('text', { class: 'tick', x: x + barW / 2, y: height - margin.bottom + 16, 'text-anchor': 'middle' }, bucketLabel(start)));
  });
  $('chart').replaceChildren(chart);
  $('legend').replaceChildren(...keys.map((key) => h('li', {}, h('span', { class: `swatch ${seriesOf(key)}` }), key === 'NONE' ? 'no purpose (refused)' : label(key))));
}

function niceStep(max) {
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? power * 10;
  return Math.max(1, step);
}

/* ---------- access report (Art. 15) ---------- */

async function openReport(caseRef) {
  if (caseRef) $('report-case').value = caseRef;
  if (!$('report-form').reportValidity()) return;
  const ref = $('report-case').value.trim();
  clearMessage();
  try {
    const { data } = await graphql(REPORT_QUERY, { caseRef: ref });
    renderReport(ref, data.accessReport);
    $('report-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (error) {
    $('report').hidden = true;
    $('report-print').disabled = true;
    fail(error);
  }
}

function renderReport(ref, report) {
  const article = $('report');
  if (!report) {
    article.replaceChildren(h('p', {}, `The hub holds no case ${ref}.`));
    article.hidden = false;
    $('report-print').disabled = true;
    return;
  }
  const generated = when(report.generatedAt);
  const rows = report.accesses.map((a) =>
    h('tr', {}, h('td', {}, when(a.time)), h('td', {}, label(a.purpose)), h('td', {}, a.recipient.name ?? a.recipient.id, h('div', { class: 'muted mono' }, a.recipient.id)), h('td', {}, a.recipient.country ?? '—'), h('td', {}, a.categories.join(', ')), h('td', {}, a.bases.join(', '))),
  );
  article.replaceChildren(
    h(
      'header',
      {},
      h('div', { class: 'doc-kicker' }, 'Record of access to personal data · GDPR Article 15'),
      h('h3', {}, `Case ${report.caseRef}`),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Case reference'), h('dd', {}, report.caseRef),
      h('dt', {}, 'Controller (Member State)'), h('dd', {}, report.owningMemberState),
      h('dt', {}, 'Report generated'), h('dd', { id: 'report-generated' }, generated),
      h('dt', {}, 'Accesses that released data'), h('dd', {}, fmt(report.accessCount)),
      h('dt', {}, 'Recipient organisations'), h('dd', {}, fmt(report.recipientCount)),
      h('dt', {}, 'Older records removed by retention'), h('dd', {}, fmt(report.purgedCount)),
    ),
    report.accesses.length
      ? h('table', { id: 'report-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Date and time (UTC)'), h('th', {}, 'Purpose'), h('th', {}, 'Recipient organisation'), h('th', {}, 'Country'), h('th', {}, 'Categories of data'), h('th', {}, 'Legal basis'))), h('tbody', {}, rows))
      : h('p', {}, 'No personal data about this case has been released through the hub.'),
    h('p', { class: 'notice' }, report.notice),
    h('footer', {}, `Generated by the Continuum hub on ${generated}. Individual officials are not named (GDPR Art. 15; CJEU C-579/21).`),
  );
  article.hidden = false;
  $('report-print').disabled = false;
}

/* ---------- wiring ---------- */

function start() {
  fillSelect('f-purpose', PURPOSES);
  fillSelect('f-outcome', OUTCOMES);
  fillSelect('f-kind', KINDS);
  $('signin-form').addEventListener('submit', (event) => void signIn(event));
  $('sign-out').addEventListener('click', () => {
    signOut();
    showMessage('Signed out. The token is gone from this page.', 'info');
  });
  $('chain-refresh').addEventListener('click', () => void loadChain());
  $('filter-form').addEventListener('submit', (event) => void applyFilter(event));
  $('filter-form').addEventListener('reset', () => window.setTimeout(() => void applyFilter(), 0));
  $('newer').addEventListener('click', () => void page(-1));
  $('older').addEventListener('click', () => void page(1));
  $('export-jsonl').addEventListener('click', () => void exportLog('jsonl'));
  $('export-csv').addEventListener('click', () => void exportLog('csv'));
  $('chart-group').addEventListener('change', drawChart);
  $('chart-bucket').addEventListener('change', () => void loadTimeline());
  $('report-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void openReport();
  });
  $('report-print').addEventListener('click', () => window.print());
}

try {
  start();
} catch (error) {
  console.error(error);
}
