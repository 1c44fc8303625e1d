/**
 * The single-process layout (`npm run bench`'s default): one forked server process holds the
 * backends, every subgraph and both gateways, and answers every question itself.
 */
import type { PersonaName } from '../../auth/dev-identities.js';
import type { CountsSnapshot, IdleReply, MemorySample, PlanFetches } from '../protocol.js';
import { ServerProcess } from '../server/process.js';
import { mb, type ServerSet } from './types.js';

export interface SingleProcessOptions {
  cases: number;
  federationBenchmark: boolean;
  databaseUrl?: string | undefined;
  personas: PersonaName[];
  execArgv: string[];
}

export async function startSingleProcess(options: SingleProcessOptions): Promise<ServerSet> {
  const server = await ServerProcess.start(
    { role: 'all', cases: options.cases, federationBenchmark: options.federationBenchmark, databaseUrl: options.databaseUrl, personas: options.personas },
    options.execArgv,
  );
  const { urls, tokens, startupMs } = server.ready;
  return {
    layout: 'single-process',
    urls,
    tokens,
    startupMs,
    processes: [{ label: server.label, pid: server.pid, startupMs }],
    profiledProcess: server.label,
    async scope(persona, purpose) {
      await server.request({ type: 'scope', persona, purpose });
    },
    counts: () => server.request<CountsSnapshot>({ type: 'counts' }),
    async capturePlans(on) {
      await server.request({ type: 'capture-plans', on });
    },
    plans: () => server.request<PlanFetches>({ type: 'plans' }),
    async settle(maxMs) {
      const { idle, waitedMs } = await server.request<IdleReply>({ type: 'idle', maxMs }, maxMs + 10_000);
      return { idle, waitedMs, busy: idle ? [] : [server.label] };
    },
    async beginRun(target) {
      await server.request<MemorySample>({ type: 'memory', reset: true });
      return { target, cpu: [] };
    },
    async endRun() {
      const memory = await server.request<MemorySample>({ type: 'memory', reset: false });
      return { maxRssMb: mb(memory.maxRssBytes) };
    },
    async profileStart() {
      await server.request({ type: 'profile-start' });
    },
    async profileStop(path) {
      await server.request({ type: 'profile-stop', path });
    },
    stop: () => server.stop(),
  };
}
