/** Renders an audit store benchmark result as readable text tables. */
import type { AuditBenchResult } from './harness.js';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const n = (value: number) => value.toLocaleString('en');
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const short = (sql: string, max = 90) => (sql.length > max ? `${sql.slice(0, max - 1)}…` : sql);

export function renderAuditReport(result: AuditBenchResult): string {
  const out: string[] = [];
  const m = result.machine;
  out.push(`Continuum audit store benchmark — ${result.date} (${(result.durationMs / 1000).toFixed(0)} s)`);
  out.push(`machine: ${m.nproc} cores (${m.cpuModel}), node ${m.node}, ${m.platform}; load average before ${m.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}, after ${m.loadavgAfter.map((l) => l.toFixed(2)).join(' ')}`);
  if (result.postgresSettings) out.push(`PostgreSQL: ${Object.entries(result.postgresSettings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push(`sections: ${Object.entries(result.sectionMs).map(([k, v]) => `${k} ${((v ?? 0) / 1000).toFixed(0)} s`).join(', ')}`);
  out.push('');

  if (result.throughput.length > 0) {
    const o = result.options.throughput;
    out.push(`1. Group-commit throughput — AuditWriter.append, ${result.throughput[0]?.result.mix} mix (${n(result.throughput[0]?.result.meanContentBytes ?? 0)} B/record); ${o.rounds} round(s) × ${o.durationMs} ms per level; baseline = 1 in flight (one record per commit)`);
    const rows: string[][] = [];
    for (const { label, result: r } of result.throughput) {
      r.levels.forEach((level, i) => {
        rows.push([i === 0 ? label : '', String(level.inFlight), n(level.recordsPerSec), level.inFlight === 1 ? 'baseline' : `${level.ratio.toFixed(2)}×`, level.meanBatch.toFixed(1), ms(level.appendP50Ms), ms(level.appendP99Ms), n(level.records)]);
      });
    }
    out.push(table(['store', 'in flight', 'records/s', 'vs baseline', 'mean batch', 'append p50 ms', 'p99 ms', 'records'], rows));
    out.push(`   every store's chain verified after its run: ${result.throughput.map((t) => `${t.store} ${t.result.verified.ok ? 'ok' : 'FAILED'} (${n(t.result.verified.records)} records)`).join(', ')}`);
    out.push('');
  }

  if (result.verification.length > 0) {
    out.push('2. Chain verification — verifyChain (content hash of every record, every link, every checkpoint signature), timed apart from generation');
    out.push(
      table(
        ['store', 'records', 'mix', 'B/record', 'checkpoints', 'generate s', 'verify s', 'records/s', 'MB/s', 'ok'],
        result.verification.map(({ label, result: v }) => [label, n(v.records), v.mix, n(v.meanContentBytes), n(v.checkpoints), (v.generateMs / 1000).toFixed(1), (v.verifyMs / 1000).toFixed(1), n(v.recordsPerSec), v.contentMbPerSec.toFixed(1), v.report.ok ? 'yes' : 'NO']),
      ),
    );
    out.push('');
  }

  if (result.queries.length > 0) {
    out.push('3. Auditor query latency — the API resolvers (subgraphs/central/audit-resolvers.ts), one call = every statement it runs');
    for (const set of result.queries) {
      const d = set.data;
      out.push(`   ${set.store}, ${n(d.records)} records${d.copied > 0 ? ` (${n(d.generated)} generated, ${n(d.copied)} copied forward)` : ''}: load ${(d.loadMs / 1000).toFixed(1)} s, table ${n(d.tableMb)} MB, with indexes ${n(d.totalMb)} MB`);
      out.push(
        table(
          ['query', 'p50 ms', 'p95 ms', 'runs', 'answer', 'indexes used', 'seq scans'],
          set.types.map((t) => [t.id, ms(t.p50Ms), ms(t.p95Ms), String(t.runs), t.answer, [...new Set(t.statements.flatMap((s) => s.plan.indexes))].join(' ') || '—', [...new Set(t.statements.flatMap((s) => s.plan.seqScans))].join(' ') || '—']),
        ).replace(/^/gm, '   '),
      );
      out.push('');
    }
    const g = result.queryGrowth;
    if (g) {
      out.push(`   How cost grows, ${g.store}: ${n(g.small)} → ${n(g.large)} records (${n(g.large / g.small)}× the rows)`);
      out.push(table(['query', `p50 ${n(g.small)}`, `p95 ${n(g.small)}`, `p50 ${n(g.large)}`, `p95 ${n(g.large)}`, '× p50', '× p95'], g.types.map((t) => [t.id, ms(t.small.p50Ms), ms(t.small.p95Ms), ms(t.large.p50Ms), ms(t.large.p95Ms), t.ratioP50.toFixed(1), t.ratioP95.toFixed(1)])).replace(/^/gm, '   '));
      out.push('');
      const large = result.queries.find((s) => s.storeKind === 'postgres' && s.data.records === g.large);
      if (large) {
        out.push(`   Per statement on ${n(g.large)} records (median ms; plan: indexes / seq scans):`);
        for (const t of large.types) {
          for (const s of t.statements) out.push(`   ${t.id.padEnd(18)} ${ms(s.p50Ms).padStart(8)}  ${s.plan.top}: ${s.plan.indexes.join(' ') || '—'} / ${s.plan.seqScans.join(' ') || '—'}  ${short(s.sql)}`);
        }
        out.push('');
      }
    }
    for (const set of result.queries) {
      for (const explained of set.explain ?? []) {
        out.push(`   EXPLAIN (ANALYZE, BUFFERS), ${set.store}, ${n(set.data.records)} records: ${explained.type}`);
        for (const s of explained.statements) {
          out.push(`   -- ${short(s.sql, 160)}`);
          out.push(s.plan.replace(/^/gm, '   '));
        }
        out.push('');
      }
    }
  }
  for (const s of result.skipped) out.push(`skipped: ${s}`);
  for (const note of result.notes) out.push(`note: ${note}`);
  return out.join('\n');
}
