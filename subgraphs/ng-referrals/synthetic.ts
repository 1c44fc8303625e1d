/**
 * SYNTHETIC DATA. What Nigeria's national referral mechanism (NRM) holds about a synthetic case,
 * derived deterministically from the case alone: the state office that registered the returnee
 * and 0–3 referrals to public services with their outcome. Only cases whose country of origin is
 * NG and that have returned (`returnedOn` set) are known to the NRM. Providers are invented
 * institutions ("Synthetic …"); no record describes a real person or a real service provider.
 *
 * The derivation is in common terms (enums, ISO dates); the backend translates it into the NRM's
 * native records when it seeds, and the subgraph must map those back to exactly this.
 */
import type { SyntheticCase } from '@continuum/subgraph-kit';

export type PublicService = 'HEALTH' | 'EDUCATION' | 'EMPLOYMENT' | 'SOCIAL_PROTECTION' | 'PSYCHOSOCIAL_SUPPORT' | 'HOUSING';
export type ReferralStatus = 'PENDING' | 'ACCEPTED' | 'COMPLETED' | 'DECLINED';

export const PUBLIC_SERVICES: readonly PublicService[] = ['HEALTH', 'EDUCATION', 'EMPLOYMENT', 'SOCIAL_PROTECTION', 'PSYCHOSOCIAL_SUPPORT', 'HOUSING'];

/** NRM state offices (the middle part of a slip number) and the city their providers are in. */
export const STATE_OFFICES = { LAG: 'Lagos', EDO: 'Benin City', FCT: 'Abuja', DEL: 'Asaba' } as const;
export type StateOffice = keyof typeof STATE_OFFICES;

/** One referral as the common model sees it, plus the native details the slip carries. */
export interface SyntheticReferral {
  /** The NRM slip number, e.g. `NRM/LAG/2025/00042`. */
  slipNo: string;
  service: PublicService;
  /** Calendar day of the referral in Lagos (WAT, UTC+1), as written on the slip. */
  referredOn: string;
  /** Local time of day on the slip, `HH:MM` (Lagos). */
  referredAt: string;
  provider: string;
  status: ReferralStatus;
  /** Day the referral was closed (completed or declined); null while pending or accepted. */
  outcomeOn: string | null;
}

export interface SyntheticNrmFile {
  /** The NRM's own returnee file number, e.g. `NRM-R-0000043`. */
  fileNo: string;
  office: StateOffice;
  /** Day the returnee was registered (the day of return). */
  registeredOn: string;
  /** In chronological order. */
  referrals: SyntheticReferral[];
}

/** mulberry32, as in kit/synthetic.ts: one generator per case index keeps cases independent. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

const PROVIDERS: Readonly<Record<PublicService, readonly string[]>> = {
  HEALTH: ['Synthetic General Hospital', 'Synthetic Primary Health Centre'],
  EDUCATION: ['Synthetic Technical College', 'Synthetic Community Secondary School'],
  EMPLOYMENT: ['Synthetic Skills Acquisition Centre', 'Synthetic State Employment Bureau'],
  SOCIAL_PROTECTION: ['Synthetic Social Welfare Office'],
  PSYCHOSOCIAL_SUPPORT: ['Synthetic Counselling and Trauma Centre', 'Synthetic Family Support Unit'],
  HOUSING: ['Synthetic Transit Shelter', 'Synthetic State Housing Desk'],
};
// Edo State weighs heaviest: most synthetic returnees are registered at the Benin City office.
const OFFICE_WEIGHTS: readonly StateOffice[] = ['EDO', 'EDO', 'EDO', 'LAG', 'LAG', 'FCT', 'DEL'];
const STATUSES: readonly ReferralStatus[] = ['PENDING', 'ACCEPTED', 'ACCEPTED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'DECLINED'];

const DAY = 86_400_000;
const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString().slice(0, 10);
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** True when the NRM knows the case: a Nigerian returnee who has come back. */
export function isNrmCase(c: SyntheticCase): boolean {
  return c.countryOfOrigin === 'NG' && c.returnedOn !== null;
}

/** The NRM file on a synthetic case, or null when the NRM holds none. Same case, same file. */
export function syntheticNrmFile(c: SyntheticCase): SyntheticNrmFile | null {
  if (!isNrmCase(c)) return null;
  const returnedOn = c.returnedOn as string;
  const r = prng(0x4e524d00 + c.index * 104_729);
  const office = r.pick(OFFICE_WEIGHTS);
  const count = r.int(0, 3);
  const services = [...PUBLIC_SERVICES];
  const referrals: SyntheticReferral[] = [];
  let day = returnedOn;
  for (let k = 0; k < count; k++) {
    const service = services.splice(r.int(0, services.length - 1), 1)[0] as PublicService;
    day = addDays(day, k === 0 ? r.int(1, 10) : r.int(7, 30));
    // One in ten is made just after midnight (airport reception desk): the Lagos day is then a
    // day ahead of the UTC day, and the slip's day is the one that counts.
    const hour = r.chance(0.1) ? 0 : r.int(8, 17);
    const status = r.pick(STATUSES);
    referrals.push({
      slipNo: `NRM/${office}/${day.slice(0, 4)}/${pad(c.index * 3 + k + 1, 5)}`,
      service,
      referredOn: day,
      referredAt: `${pad(hour, 2)}:${pad(r.int(0, 59), 2)}`,
      provider: `${r.pick(PROVIDERS[service])}, ${STATE_OFFICES[office]}`,
      status,
      outcomeOn: status === 'COMPLETED' || status === 'DECLINED' ? addDays(day, r.int(2, 60)) : null,
    });
  }
  return { fileNo: `NRM-R-${pad(c.index + 1, 7)}`, office, registeredOn: returnedOn, referrals };
}
