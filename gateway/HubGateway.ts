/**
 * Continuum's wrapper around Apollo Gateway, in the shape Apollo Server expects of a gateway
 * (`load`, `onSchemaLoadOrUpdate`, `stop`). Everything the hub adds around planning and
 * execution hangs here, so the federation engine itself stays replaceable behind one module.
 *
 * It gives the API schema's common scalars (CaseRef, CountryCode, Date, DateTime) their
 * validating parsers: Apollo Gateway treats custom scalars as opaque, so without this a malformed
 * reference would travel to a subgraph before being refused. And it has the engine's responses
 * shaped by Continuum's compiled result shaping instead of Apollo's (gateway/shaping/): the same
 * response, made without interpreting the operation once per object.
 */
import type { ApolloGateway } from '@apollo/gateway';
import type { GatewayExecutor, GatewayInterface, GatewayLoadResult, GatewayUnsubscriber } from '@apollo/server-gateway-interface';
import { isScalarType, type GraphQLSchema } from 'graphql';
import { scalarResolvers } from '../contract/index.js';
import { installShaping, shapeResponsesOf } from './shaping/index.js';

export interface SchemaUpdate {
  apiSchema: GraphQLSchema;
  coreSupergraphSdl: string;
}

export type ExecutorWrapper = (inner: GatewayExecutor) => GatewayExecutor;

export class HubGateway implements GatewayInterface {
  private readonly listeners = new Set<(update: SchemaUpdate) => void>();

  /**
   * `onShapingUnavailable` hears why responses are shaped by Apollo Gateway's own shaping (same
   * responses, more CPU): the stage could not be replaced, or the engine does not keep its API
   * schema where the hub reads it. Called at most once per reason.
   */
  constructor(
    readonly engine: ApolloGateway,
    private readonly wrapExecutor: ExecutorWrapper = (inner) => inner,
    onSchema: (update: SchemaUpdate) => void = () => {},
    onShapingUnavailable: (reason: string) => void = () => {},
  ) {
    const unavailable = installShaping();
    if (unavailable) onShapingUnavailable(unavailable);
    let reportedMissing = false;
    engine.onSchemaLoadOrUpdate((update) => {
      validateScalarInputs(update.apiSchema);
      // The engine's federation-internals API schema, set just before it notifies: every
      // operation it executes is built on it, which is how the shaping stage knows the engine.
      const internal = (engine as unknown as { apiSchema?: unknown }).apiSchema;
      if (unavailable === null && typeof internal === 'object' && internal !== null) shapeResponsesOf(internal);
      else if (unavailable === null && !reportedMissing) {
        reportedMissing = true;
        onShapingUnavailable("Apollo Gateway's engine has no API schema where the hub reads it (ApolloGateway.apiSchema)");
      }
      onSchema(update);
      for (const listener of this.listeners) listener(update);
    });
  }

  async load(options: Parameters<GatewayInterface['load']>[0]): Promise<GatewayLoadResult> {
    const { executor } = await this.engine.load(options);
    return { executor: this.wrapExecutor(executor) };
  }

  onSchemaLoadOrUpdate(callback: (update: SchemaUpdate) => void): GatewayUnsubscriber {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  stop(): Promise<void> {
    return this.engine.stop();
  }
}

/**
 * Gives each common scalar of the API schema the vocabulary's validating input parsers, in
 * place (the schema object is the one Apollo Server validates and coerces variables against).
 * Output serialisation stays the gateway's pass-through: subgraphs already serialise strictly.
 */
function validateScalarInputs(schema: GraphQLSchema): void {
  for (const [name, implementation] of Object.entries(scalarResolvers)) {
    const type = schema.getType(name);
    if (!isScalarType(type)) continue;
    type.parseValue = implementation.parseValue;
    type.parseLiteral = implementation.parseLiteral;
  }
}
