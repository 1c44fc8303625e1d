/**
 * Who is calling, as established by a verified token from a trusted issuer. Every field comes from
 * a signature the hub checked; `organisation` and `country` are the issuer's own (an issuer vouches
 * only for its own organisation), never a value the caller chose.
 */
import type { Purpose } from '../contract/index.js';
import type { Role } from './roles.js';

export interface Caller {
  /** The `iss` of the verified token, exactly as listed in the trust list. */
  issuer: string;
  /** The official's identifier at the issuer (`sub`). Pseudonymous; never a name. */
  officialId: string;
  /** X-Road style organisation identifier, e.g. `EU/GOV/BE-RETURN`. */
  organisation: string;
  /** ISO 3166-1 alpha-2 country code, or `EU` for EU bodies. */
  country: string;
  /** The roles the issuer asserted, without duplicates, in token order. */
  roles: Role[];
  /** The purposes the token allows; a request must declare one of them. */
  purposes: Purpose[];
}
