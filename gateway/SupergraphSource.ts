/**
 * Feeds the supergraph to Apollo Gateway and swaps it at run time. It is the gateway's
 * `supergraphSdl` manager: the registry (or a test) calls `publish`, the gateway rebuilds its
 * schema and query planner and serves new requests with it while in-flight ones finish.
 */
import type { SupergraphManager } from '@apollo/gateway';

export class SupergraphSource implements SupergraphManager {
  private update: ((sdl: string) => void) | undefined;
  private healthCheck: ((sdl: string) => Promise<void>) | undefined;

  constructor(private sdl: string) {}

  get current(): string {
    return this.sdl;
  }

  async initialize({ update, healthCheck }: { update: (sdl: string) => void; healthCheck: (sdl: string) => Promise<void> }) {
    this.update = update;
    this.healthCheck = healthCheck;
    return {
      supergraphSdl: this.sdl,
      cleanup: async () => {
        this.update = undefined;
      },
    };
  }

  /** Activates a new supergraph. Throws (and keeps the old one) when the gateway rejects it. */
  async publish(sdl: string, options: { checkSubgraphs?: boolean } = {}): Promise<void> {
    if (options.checkSubgraphs && this.healthCheck) await this.healthCheck(sdl);
    if (!this.update) {
      this.sdl = sdl;
      return;
    }
    this.update(sdl);
    this.sdl = sdl;
  }
}

/** Subgraph names and routing URLs, read from the supergraph's join__Graph enum. */
export function subgraphsOf(supergraphSdl: string): { name: string; url: string }[] {
  const found: { name: string; url: string }[] = [];
  const pattern = /@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g;
  for (const match of supergraphSdl.matchAll(pattern)) found.push({ name: match[1] as string, url: match[2] as string });
  return found;
}
