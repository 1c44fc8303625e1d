/**
 * Renders a benchmark result as readable text tables: figures per workload and target, batching,
 * profiles. In the split layout the table also has each target's CPU per request in its own
 * gateway process and in the systems process, and RSS is the target gateway's own.
 */
import { PUBLISHED, TARGETS, type BenchResult, type BatchingReport } from './harness.js';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function batchingTable(batching: BatchingReport): string {
  const names = Object.keys(batching.continuum);
  const rows = names.map((name) => {
    const c = batching.continuum[name];
    const b = batching.baseline[name];
    return [name, `${c?.planFetches ?? 0}`, `${c?.fetches ?? 0}`, `${c?.backend ?? 0}`, `${b?.planFetches ?? 0}`, `${b?.fetches ?? 0}`, `${b?.backend ?? 0}`, c?.minimal && b?.minimal ? 'yes' : 'NO'];
  });
  return table(['subgraph', 'C plan', 'C fetches', 'C backend', 'B plan', 'B fetches', 'B backend', 'minimal'], rows);
}

export function renderReport(result: BenchResult): string {
  const out: string[] = [];
  const m = result.machine;
  out.push(`Continuum benchmark — ${result.date}`);
  out.push(`machine: ${m.nproc} cores (${m.cpuModel}), node ${m.node}, ${m.platform}; load average before ${m.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}, after ${m.loadavgAfter.map((l) => l.toFixed(2)).join(' ')}`);
  const o = result.options;
  out.push(`store: ${result.store}, ${o.cases} cases; ${o.rounds} round(s) × ${o.durationSec} s after ${o.warmupSec} s warm-up (and ${o.initialWarmupSec} s per workload and target before the first), ${o.connections} connections`);
  const split = result.layout === 'split';
  if (result.split) out.push(`layout: split — ${result.split.processes.map((p) => `${p.label} (pid ${p.pid}, ready in ${(p.startupMs / 1000).toFixed(1)} s)`).join(', ')}`);
  out.push('');
  const rows: string[][] = [];
  const cpu = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(1));
  for (const w of result.workloads) {
    for (const target of ['baseline', 'continuum'] as const) {
      const s = w.targets[target];
      if (!s) continue;
      const isContinuum = target === 'continuum';
      rows.push([
        target === 'baseline' ? w.id : '',
        target === 'baseline' ? 'bare Apollo Gateway' : 'Continuum (all on)',
        s.rps.toFixed(1),
        s.p50Ms.toFixed(1),
        s.p99Ms.toFixed(1),
        String(s.errors),
        String(s.maxRssMb),
        ...(split ? [cpu(s.cpuMsPerRequest?.gateway), cpu(s.cpuMsPerRequest?.systems)] : []),
        isContinuum && w.ratio ? w.ratio.rps.toFixed(2) : '',
        isContinuum && w.ratio ? w.ratio.p99.toFixed(2) : '',
        ...(split ? [isContinuum && w.ratio?.gatewayCpu !== undefined ? w.ratio.gatewayCpu.toFixed(2) : ''] : []),
        isContinuum && w.meetsTargets ? `${w.meetsTargets.rps ? 'ok' : 'MISS'}/${w.meetsTargets.p99 ? 'ok' : 'MISS'}` : '',
      ]);
    }
  }
  const header = split
    ? ['workload', 'target', 'RPS', 'p50 ms', 'p99 ms', 'errors', 'RSS MB*', 'gw CPU ms/req', 'sys CPU ms/req', 'RPS b/a', 'p99 b/a', 'gw CPU a/b', 'targets']
    : ['workload', 'target', 'RPS', 'p50 ms', 'p99 ms', 'errors', 'RSS MB*', 'RPS b/a', 'p99 b/a', 'targets'];
  out.push(table(header, rows));
  out.push(`targets (workloads 1–3): RPS b/a ≥ ${TARGETS.minRpsRatio}, p99 b/a ≤ ${TARGETS.maxP99Ratio}. errors = socket errors + timeouts + non-2xx.`);
  if (split) {
    const systemsRss = result.workloads.flatMap((w) => Object.values(w.targets).map((t) => t.systemsMaxRssMb ?? 0));
    out.push(`* RSS: peak of the target gateway's own process during its runs (the systems process, apart: up to ${Math.max(0, ...systemsRss)} MB).`);
    out.push('gw CPU / sys CPU: CPU ms per request of the target\'s gateway process / of the systems process (subgraphs, their enforcement, the database clients) over the measured runs; PostgreSQL\'s own CPU is not measured.');
    out.push('gw CPU a/b: bare Apollo Gateway\'s gateway CPU per request over Continuum\'s — the share of bare throughput Continuum\'s gateway would reach where gateway CPU is the limit.');
  } else {
    out.push('* RSS: peak of the one server process holding the backends, all subgraphs and both gateways during that run.');
  }
  out.push('');
  for (const w of result.workloads) {
    const p = w.preflight;
    if (p.continuum && p.baseline) {
      out.push(`${w.id}: ${w.title}`);
      out.push(`  response bytes baseline ${p.baseline.bytes}, Continuum ${p.continuum.bytes}; Continuum GraphQL errors ${JSON.stringify(p.continuum.errorCodes)}`);
    }
    if (w.batching) {
      out.push(`  batching for one request (C = Continuum, B = baseline; plan = fetch nodes in the query plan; backend = SQL statements, REST calls for iq-partner); Continuum gateway store queries: ${w.batching.continuumGatewayStoreQueries}`);
      out.push(batchingTable(w.batching).replace(/^/gm, '  '));
      out.push(`  → ${w.batching.minimal ? 'minimal: one fetch per plan fetch node, at most one backend query per fetch' : 'NOT minimal'}`);
      out.push('');
    }
  }
  const fb = result.workloads.find((w) => w.id === 'federation-benchmark')?.targets.baseline;
  if (fb) {
    out.push(`federation benchmark deep query, bare Apollo Gateway here: ${fb.rps.toFixed(1)} RPS (p99 ${fb.p99Ms.toFixed(1)} ms, ${result.options.connections} connections).`);
    out.push(`  published (${PUBLISHED.source}): ${Object.entries(PUBLISHED.rps).map(([k, v]) => `${k} ${v}`).join(', ')}; ${PUBLISHED.thisKindOfMachine}.`);
    out.push('');
  }
  for (const profile of result.profiles) {
    const who = profile.target === 'baseline' ? 'bare Apollo Gateway' : 'Continuum';
    const perRequest = profile.requests > 0 ? `, ${(profile.summary.busyMs / profile.requests).toFixed(1)} ms busy per request` : '';
    out.push(`CPU profile of the ${split ? 'Continuum gateway process' : 'server process'}, ${who} on ${profile.workload} (${profile.file}); ${profile.summary.busyMs} ms busy${perRequest}, ${profile.summary.idlePercent}% of samples idle; shares below are of busy time`);
    out.push(`  by area: ${profile.summary.areas.slice(0, 10).map((a) => `${a.area} ${a.selfPercent}%`).join(', ')}`);
    out.push(table(['self %', 'self ms', 'function', 'location'], profile.summary.top.slice(0, 15).map((s) => [s.selfPercent.toFixed(1), String(s.selfMs), s.function, s.location])).replace(/^/gm, '  '));
    out.push('');
  }
  if (result.processProfile) {
    out.push(`whole-run --cpu-prof profile of the server process: ${result.processProfile.file}`);
    out.push(`  by area: ${result.processProfile.summary.areas.slice(0, 10).map((a) => `${a.area} ${a.selfPercent}%`).join(', ')}`);
  }
  for (const entry of result.split?.processes ?? []) {
    if (!entry.profile) continue;
    out.push(`whole-run --cpu-prof profile of the ${entry.label}: ${entry.profile.file}`);
    out.push(`  by area: ${entry.profile.summary.areas.slice(0, 10).map((a) => `${a.area} ${a.selfPercent}%`).join(', ')}`);
  }
  for (const note of result.notes) out.push(`note: ${note}`);
  return out.join('\n');
}
