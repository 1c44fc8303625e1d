/**
 * Summarises a V8 CPU profile (.cpuprofile, as written by `node --cpu-prof` or the inspector's
 * Profiler): self time per function and per area of the code (Continuum's own modules, Apollo
 * Gateway, graphql-js, the database, Node internals), top first.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  function: string;
  location: string;
  area: string;
  selfMs: number;
  selfPercent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of all samples the process was idle; every other percentage is of the busy time. */
  idlePercent: number;
  busyMs: number;
  top: HotSpot[];
  areas: { area: string; selfMs: number; selfPercent: number }[];
}

/** Where a function lives, coarsely: the repository's own directories, a package, or Node. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') return functionName;
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const own = /\/(gateway|auth|subgraphs|schema|store|bench)\//.exec(url);
  if (own) return `continuum ${own[1]}/`;
  return url;
}

function shortLocation(url: string, line: number): string {
  const trimmed = url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/(gateway|auth|subgraphs|schema|store|bench)\//, '$1/');
  return url ? `${trimmed}:${line + 1}` : '';
}

export function summariseProfile(path: string, topN = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const all = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const idleUs = [...selfUs.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const total = all - idleUs || 1;

  const functions = new Map<string, HotSpot>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const area = areaOf(url, name);
    if (name === '(idle)') continue;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${name}@${url}:${lineNumber}`;
    const spot = functions.get(key) ?? { function: name, location: shortLocation(url, lineNumber), area, selfMs: 0, selfPercent: 0 };
    spot.selfMs += us / 1000;
    functions.set(key, spot);
  }
  const pct = (us: number) => Math.round((us / total) * 1000) / 10;
  return {
    totalMs: Math.round(all / 1000),
    idlePercent: Math.round((idleUs / all) * 1000) / 10,
    busyMs: Math.round(total / 1000),
    top: [...functions.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, topN)
      .map((s) => ({ ...s, selfMs: Math.round(s.selfMs), selfPercent: pct(s.selfMs * 1000) })),
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), selfPercent: pct(us) })),
  };
}

/** Self time in milliseconds per function (`name location`), idle excluded: for comparing two profiles. */
export function selfTimePerFunction(path: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    const key = `${node.callFrame.functionName || '(anonymous)'} ${shortLocation(node.callFrame.url, node.callFrame.lineNumber)}`.trim();
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return self;
}
