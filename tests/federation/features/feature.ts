/** The shape of one federation feature in Continuum's conformance suite (see ../harness.ts). */
import type { PersonaName } from '../../../auth/dev-identities.js';
import type { Purpose } from '../../../schema/vocabulary.js';
import type { FeatureSubgraph } from '../harness.js';

/** `@personalData(category: NOT_PERSONAL)`: what every field of a feature's reference data says. */
export const NP = '@personalData(category: NOT_PERSONAL)';

export interface FeatureQuery {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

/** A query a caller without some right asks: the data it gets and the coded denials, exactly. */
export interface FeatureDenial extends FeatureQuery {
  as: { persona: PersonaName; purpose: Purpose };
  data: Record<string, unknown> | null;
  /** Each denial's path and code, in the order Continuum reports them. */
  denials: { path: (string | number)[]; code: string }[];
}

export interface Feature {
  /** The federation feature, as the suite's test names say it. */
  name: string;
  subgraphs: FeatureSubgraph[];
  /** For a caller with full rights, Continuum must answer each exactly as bare Apollo Gateway does. */
  queries: FeatureQuery[];
  denials?: FeatureDenial[];
  /** Puts the subgraphs' data back as it was, before each gateway is asked (mutations). */
  reset?(): void;
}
