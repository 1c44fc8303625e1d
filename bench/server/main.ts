/**
 * A benchmark server process, forked by the driver so load generation never shares a thread with
 * what it measures. It starts one role (./roles/) — `all` for the single-process layout, or one of
 * the split layout's `systems`, `bare-gateway`, `continuum-gateway` — then answers the driver's
 * requests over IPC: the role's own (counts, plans, scope) and what every process can say about
 * itself (memory, CPU time, idleness, a CPU profile), until asked to close or disconnected.
 */
import '../../gateway/airgap.js';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { IDLE_WINDOW_MS, type CpuSample, type IdleReply, type MemorySample, type Request, type RequestMessage, type ServerMessage, type ServerOptions } from '../protocol.js';
import type { RoleServer } from './role.js';
import { startAll } from './roles/all.js';
import { startBareGateways } from './roles/bareGateway.js';
import { startContinuumGateway } from './roles/continuumGateway.js';
import { startSystems } from './roles/systems.js';

/** Below this share of one core over one window, the process counts as idle. */
const IDLE_CPU_SHARE = 0.1;

// Every Apollo Server and Fastify instance (a dozen here) adds its own signal listeners.
process.setMaxListeners(64);

/**
 * Waits until abandoned work has drained: autocannon stops at its deadline, but requests it had
 * in flight keep the servers busy, and must not be billed to the next run (the other target).
 * Measured as process CPU time, not event-loop utilisation: a running CPU profiler keeps the
 * latter near 0.9 even when nothing happens.
 */
async function waitUntilIdle(maxMs: number): Promise<IdleReply> {
  const started = Date.now();
  while (Date.now() - started < maxMs) {
    const before = process.cpuUsage();
    const at = performance.now();
    await sleep(IDLE_WINDOW_MS);
    const used = process.cpuUsage(before);
    const share = (used.user + used.system) / 1000 / (performance.now() - at);
    if (share < IDLE_CPU_SHARE) return { waitedMs: Date.now() - started, idle: true };
  }
  return { waitedMs: Date.now() - started, idle: false };
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

function startRole(options: ServerOptions): Promise<RoleServer> {
  switch (options.role) {
    case 'all':
      return startAll(options);
    case 'systems':
      return startSystems(options);
    case 'bare-gateway':
      return startBareGateways(options);
    case 'continuum-gateway':
      return startContinuumGateway(options);
  }
}

function unsupported(role: string, request: Request): Error {
  return new Error(`the ${role} process does not answer ${request.type}`);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
  const started = Date.now();
  // The driver gone (finished, killed, interrupted): close what is open and leave, even during
  // start-up, so no server outlives the run.
  const opened: { role?: RoleServer } = {};
  process.on('disconnect', () => {
    void (opened.role?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  });
  const role = await startRole(options);
  opened.role = role;

  // RSS is sampled continuously; the driver reads (and resets) the maximum around each round.
  let maxRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage.rss());
  }, 200);
  sampler.unref();

  let profiler: Session | undefined;

  const handle = async (request: Request): Promise<unknown> => {
    switch (request.type) {
      case 'counts':
        if (!role.counts) throw unsupported(options.role, request);
        return role.counts();
      case 'capture-plans':
        if (!role.capturePlans) throw unsupported(options.role, request);
        role.capturePlans(request.on);
        return null;
      case 'plans':
        if (!role.plans) throw unsupported(options.role, request);
        return role.plans();
      case 'scope':
        if (!role.scope) throw unsupported(options.role, request);
        role.scope(request.persona, request.purpose);
        return null;
      case 'memory': {
        const usage = process.memoryUsage();
        const sample: MemorySample = { rssBytes: usage.rss, maxRssBytes: Math.max(maxRss, usage.rss), heapUsedBytes: usage.heapUsed };
        if (request.reset) maxRss = usage.rss;
        return sample;
      }
      case 'cpu': {
        const usage = process.cpuUsage();
        const sample: CpuSample = { userMicros: usage.user, systemMicros: usage.system };
        return sample;
      }
      case 'idle':
        return waitUntilIdle(request.maxMs);
      case 'profile-start':
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        return null;
      case 'profile-stop': {
        if (!profiler) throw new Error('no profile running');
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        profiler = undefined;
        writeFileSync(request.path, JSON.stringify(profile));
        return request.path;
      }
      case 'close':
        clearInterval(sampler);
        await role.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };

  process.on('message', (message: RequestMessage) => {
    handle(message).then(
      (result) => send({ type: 'reply', id: message.id, result }),
      (error: unknown) => send({ type: 'reply', id: message.id, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
    );
  });
  send({ type: 'ready', info: { ...role.info, startupMs: Date.now() - started } });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
