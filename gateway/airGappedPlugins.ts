/**
 * The plugins Apollo Server would otherwise install by itself, turned off: usage reporting and
 * the landing page reach out to Apollo's cloud (the hub runs air-gapped, ./airgap.ts), inline
 * traces would send per-field timings to the gateway's callers, and cache control would compute
 * a cache hint for every field resolved — work for HTTP caching that responses of personal data
 * must never get. The kit turns off the same four in every subgraph (subgraphs/kit/server.ts).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';

export function airGappedPlugins(): ApolloServerPlugin[] {
  return [
    ApolloServerPluginUsageReportingDisabled(),
    ApolloServerPluginInlineTraceDisabled(),
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginCacheControlDisabled(),
  ];
}
