/* global document, window, fetch, URL, Blob, atob */
import { $, h, svg } from '/console/dom.js';
/**
 * Continuum MEAL page. Plain DOM, no framework, nothing loaded from outside the hub. The bearer
 * token lives in `state.token` only (never in storage, never in the URL). The form offers only the
 * declared tables, dimensions and bands (/meal/declared.json), and every figure is put in the page
 * as text, never as HTML. Suppressed cells are shown as suppressed, never as zero.
 */

const TOTAL = 'TOTAL';
const QUERY = `query MealStatistics($table: StatisticsTable!, $rows: StatisticsDimension!, $columns: StatisticsDimension, $filters: [StatisticsFilterInput!]) {
  statistics(table: $table, rows: $rows, columns: $columns, filters: $filters) {
    table rows columns filters { dimension band } asOf threshold roundingBase suppressedCells
    measures { name description }
    cells { row column count status measures { measure value status } }
    budget { period spent limit }
  }
}`;
const STATUS_TEXT = { SUPPRESSED_SMALL_CELL: 'suppressed (fewer than the threshold)', SUPPRESSED_COMPLEMENTARY: 'suppressed (protects another cell)' };

const state = { token: null, purpose: 'STATISTICS', declared: null, result: null };

function showMessage(text) {
  const box = $('message');
  box.textContent = text;
  box.className = 'message no-print';
  box.hidden = false;
}

function clearMessage() {
  $('message').hidden = true;
}

function claimsOf(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}

function options(select, values, { empty } = {}) {
  select.replaceChildren(...(empty ? [h('option', { value: '' }, empty)] : []), ...values.map((v) => h('option', { value: v.value ?? v }, v.label ?? v)));
}

/* ---------- sign in and the form ---------- */

async function loadDeclared() {
  const response = await fetch('/meal/declared.json');
  state.declared = await response.json();
  const { tables, dimensions } = state.declared;
  options($('q-table'), tables.map((t) => t.name));
  options($('q-rows'), dimensions.map((d) => d.name));
  options($('q-columns'), dimensions.map((d) => d.name), { empty: '(none)' });
  options($('q-filter-dimension'), dimensions.map((d) => d.name), { empty: '(no filter)' });
  describeTable();
}

function describeTable() {
  const table = state.declared.tables.find((t) => t.name === $('q-table').value);
  $('table-description').textContent = table ? `${table.description} Measures: ${table.measures.map((m) => m.name).join(', ')}.` : '';
}

function fillBands() {
  const dimension = state.declared.dimensions.find((d) => d.name === $('q-filter-dimension').value);
  options($('q-filter-band'), dimension ? dimension.bands : []);
  $('q-filter-band').disabled = !dimension;
}

function signIn(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  state.token = token;
  state.purpose = $('purpose').value;
  $('token').value = '';
  const claims = claimsOf(token);
  $('who-text').textContent = `${claims.org ?? 'signed in'} · ${state.purpose}`;
  $('who').hidden = false;
  $('signin').hidden = true;
  $('workspace').hidden = false;
  clearMessage();
}

function signOut() {
  state.token = null;
  state.result = null;
  $('who').hidden = true;
  $('signin').hidden = false;
  $('workspace').hidden = true;
  $('result').hidden = true;
}

/* ---------- asking ---------- */

async function ask(event) {
  event.preventDefault();
  clearMessage();
  const columns = $('q-columns').value || null;
  const filterDimension = $('q-filter-dimension').value;
  const variables = {
    table: $('q-table').value,
    rows: $('q-rows').value,
    columns,
    filters: filterDimension ? [{ dimension: filterDimension, band: $('q-filter-band').value }] : [],
  };
  let body;
  try {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}`, 'x-purpose': state.purpose },
      body: JSON.stringify({ query: QUERY, variables }),
    });
    body = await response.json();
    if (response.status === 401) {
      signOut();
      showMessage(`Signed out: ${body.errors?.[0]?.message ?? 'the token was refused.'}`);
      return;
    }
  } catch {
    showMessage('The hub could not be reached.');
    return;
  }
  const first = body.errors && body.errors[0];
  if (first || !body.data || !body.data.statistics) {
    const code = first?.extensions?.hubCode ?? first?.extensions?.code ?? 'ERROR';
    showMessage(`${first ? first.message : 'No table was released.'} (${code})`);
    return;
  }
  state.result = body.data.statistics;
  render();
}

/* ---------- the result ---------- */

function bandsOf(dimension) {
  return state.declared.dimensions.find((d) => d.name === dimension)?.bands ?? [];
}

function cellAt(row, column) {
  return state.result.cells.find((c) => c.row === row && c.column === column);
}

function valueOf(cell, measure) {
  if (measure === 'COUNT') return cell.count;
  return cell.measures.find((m) => m.measure === measure)?.value ?? null;
}

function formatValue(value, measure) {
  if (value === null || value === undefined) return '·';
  return measure === 'COUNT' ? String(value) : value.toFixed(2);
}

function render() {
  const result = state.result;
  $('result').hidden = false;
  const filters = result.filters.map((f) => `${f.dimension} = ${f.band}`).join(', ') || 'none';
  $('report-head').replaceChildren(
    h('div', {}, h('strong', {}, result.table), ` by ${result.rows}${result.columns ? ` × ${result.columns}` : ''} · filters: ${filters}`),
    h('div', {}, `As of ${result.asOf} · counts randomly rounded to multiples of ${result.roundingBase} · cells of fewer than ${result.threshold} persons suppressed · ${result.suppressedCells} of ${result.cells.length} cells suppressed · questions this period: ${result.budget.spent} of ${result.budget.limit}`),
  );
  const measureSelect = $('chart-measure');
  const previous = measureSelect.value;
  options(measureSelect, [{ value: 'COUNT', label: 'Persons' }, ...result.measures.map((m) => ({ value: m.name, label: m.name }))]);
  if ([...measureSelect.options].some((o) => o.value === previous)) measureSelect.value = previous;
  drawChart();
  drawTable();
  $('disclosure').replaceChildren(
    h('strong', {}, 'Disclosure control'),
    h(
      'ul',
      {},
      h('li', {}, `No released cell is built from fewer than ${result.threshold} persons; "·" marks a suppressed cell.`),
      h('li', {}, 'Some cells are suppressed only so that a small one cannot be worked out from the totals.'),
      h('li', {}, `Counts are randomly rounded to multiples of ${result.roundingBase}; means carry a small calibrated perturbation. Totals need not equal the sum of their cells.`),
      ...result.measures.map((m) => h('li', {}, `${m.name}: ${m.description}`)),
    ),
  );
}

function drawChart() {
  const result = state.result;
  const measure = $('chart-measure').value || 'COUNT';
  const rows = bandsOf(result.rows);
  const series = result.columns ? bandsOf(result.columns) : [null];
  const width = 960;
  const height = 300;
  const left = 48;
  const bottom = 40;
  const top = 12;
  const values = rows.flatMap((r) => series.map((s) => valueOf(cellAt(r, s), measure))).filter((v) => v !== null);
  const max = measure === 'COUNT' ? Math.max(5, ...values) : 1;
  const plot = height - bottom - top;
  const group = (width - left - 10) / rows.length;
  const bar = Math.max(4, (group * 0.8) / series.length);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${measure} by ${result.rows}` });
  for (let i = 0; i <= 4; i++) {
    const y = top + plot - (plot * i) / 4;
    chart.append(svg('line', { class: 'grid-line', x1: left, x2: width - 10, y1: y, y2: y }));
    chart.append(svg('text', { class: 'tick', x: left - 6, y: y + 4, 'text-anchor': 'end' }, formatValue((max * i) / 4, measure === 'COUNT' ? 'COUNT' : 'MEAN')));
  }
  chart.append(svg('line', { class: 'axis', x1: left, x2: width - 10, y1: top + plot, y2: top + plot }));
  rows.forEach((row, r) => {
    const x0 = left + r * group + group * 0.1;
    chart.append(svg('text', { class: 'tick', x: left + r * group + group / 2, y: height - bottom + 16, 'text-anchor': 'middle' }, row));
    series.forEach((column, s) => {
      const cell = cellAt(row, column);
      const value = cell ? valueOf(cell, measure) : null;
      const x = x0 + s * bar;
      if (value === null) {
        chart.append(svg('rect', { class: 'bar-suppressed', x, y: top + plot - 14, width: bar - 1, height: 14, 'data-status': cell ? cell.status : 'MISSING' }, svg('title', {}, `${row}${column ? ` · ${column}` : ''}: ${STATUS_TEXT[cell?.status] ?? 'not released'}`)));
        return;
      }
      const h1 = (plot * value) / max;
      chart.append(svg('rect', { class: `bar series-${s % 10}`, x, y: top + plot - h1, width: bar - 1, height: h1, 'data-value': value }, svg('title', {}, `${row}${column ? ` · ${column}` : ''}: ${formatValue(value, measure)}`)));
    });
  });
  $('chart').replaceChildren(chart);
  $('legend').replaceChildren(
    ...(result.columns ? series.map((s, i) => h('li', {}, h('span', { class: `swatch series-${i % 10}` }), s)) : []),
    h('li', {}, h('span', { class: 'swatch dashed' }), 'suppressed'),
  );
}

function drawTable() {
  const result = state.result;
  const rows = [...bandsOf(result.rows), TOTAL];
  const columns = result.columns ? [...bandsOf(result.columns), TOTAL] : [null];
  const head = h('tr', {}, h('th', {}, result.rows), ...columns.map((c) => h('th', {}, c ?? 'Persons')));
  const body = rows.map((row) =>
    h(
      'tr',
      { class: row === TOTAL ? 'total' : null },
      h('td', {}, row),
      ...columns.map((column) => {
        const cell = cellAt(row, column);
        const released = cell && cell.status === 'RELEASED';
        return h(
          'td',
          { class: [released ? '' : 'suppressed', column === TOTAL ? 'total' : ''].join(' ').trim() || null, title: released ? null : STATUS_TEXT[cell?.status] ?? 'not released', 'data-status': cell?.status ?? 'MISSING' },
          released ? String(cell.count) : '·',
          ...(released ? cell.measures.map((m) => h('span', { class: 'measure' }, `${m.measure} ${formatValue(m.value, m.measure)}`)) : []),
        );
      }),
    ),
  );
  $('stats-table').replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
}

/* ---------- CSV and print ---------- */

function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function exportCsv() {
  const result = state.result;
  const header = ['table', 'rows', 'columns', 'asOf', 'row', 'column', 'count', 'status', ...result.measures.flatMap((m) => [m.name, `${m.name}_status`])];
  const lines = result.cells.map((c) => [result.table, result.rows, result.columns ?? '', result.asOf, c.row, c.column ?? '', c.count, c.status, ...c.measures.flatMap((m) => [m.value, m.status])]);
  const text = [header, ...lines].map((line) => line.map(csvField).join(',')).join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: `continuum-${result.table.toLowerCase()}-${result.asOf}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function start() {
  $('signin-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('question-form').addEventListener('submit', ask);
  $('q-table').addEventListener('change', describeTable);
  $('q-filter-dimension').addEventListener('change', fillBands);
  $('chart-measure').addEventListener('change', drawChart);
  $('export-csv').addEventListener('click', exportCsv);
  $('print').addEventListener('click', () => window.print());
  loadDeclared().catch(() => showMessage('The declared tables could not be loaded from the hub.'));
}

start();
