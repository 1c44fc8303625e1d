/**
 * Transfer bases through the typed API (docs/POLICY.md, "Transfer bases"): the GDPR Chapter V
 * instrument under which a Member State (the exporter) lets its case data go to one recipient
 * outside the EU/EEA. Only callers with a role the policy names (`changes.transferBases`) record,
 * revoke and list them, and only as exporter = their own Member State. The gate reads the store
 * on every request (facts.ts, TRANSFER_BASIS_IN_FORCE), so a change counts from the next request
 * on every replica. Each change is audited by the gateway as a TRANSFER_BASIS_CHANGE.
 */
import { z } from 'zod';
import type { Policy } from '../../auth/policy.js';
import { isIsoDate } from '../../contract/index.js';
import type { Db } from '../../store/index.js';
import { nativeDateTime, type KitContext, type Resolvers } from '../kit/index.js';
import { badInput, daysBetween, denied, invalidInput } from './errors.js';
import { TRANSFER_BASIS_IN_FORCE } from '../../facts/index.js';

export const TRANSFER_INSTRUMENTS = ['ADEQUACY_DECISION', 'APPROPRIATE_SAFEGUARDS', 'DEROGATION'] as const;

interface TransferBasisRow {
  id: string;
  exporter_member_state: string;
  recipient: string;
  instrument: string;
  reference: string;
  valid_from: string;
  valid_until: string | null;
  recorded_by: string | null;
  recorded_at: Date | string;
  revoked_at: Date | string | null;
  revoked_by: string | null;
  in_force: boolean;
}

const COLUMNS = `t.id, t.exporter_member_state, t.recipient, t.instrument, t.reference, t.valid_from, t.valid_until,
  t.recorded_by, t.recorded_at, t.revoked_at, t.revoked_by, (${TRANSFER_BASIS_IN_FORCE}) AS in_force`;

const ORGANISATION = /^[A-Z]{2,3}\/[A-Z]+\/[A-Z0-9-]+$/;
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9 .,/():_-]{1,118}[A-Za-z0-9.,/():_-]$/;
const isoDate = () => z.string().refine(isIsoDate, 'not an ISO date (YYYY-MM-DD)');

function inputSchema(derogationMaxDays: number) {
  return z
    .strictObject({
      recipient: z.string().regex(ORGANISATION, 'not an organisation identifier'),
      instrument: z.enum(TRANSFER_INSTRUMENTS),
      reference: z.string().regex(REFERENCE, 'must be 3 to 120 characters (letters, digits, spaces and . , / ( ) : - _), starting with a letter or digit, not ending with a space'),
      validFrom: isoDate(),
      validUntil: isoDate().nullish(),
    })
    .superRefine((input, ctx) => {
      if (input.validUntil && input.validUntil < input.validFrom) {
        ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must not be before validFrom' });
      } else if (input.instrument === 'DEROGATION' && !input.validUntil) {
        ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'a derogation (Art. 49) must end: give its last day' });
      } else if (input.instrument === 'DEROGATION' && input.validUntil && daysBetween(input.validFrom, input.validUntil) > derogationMaxDays) {
        ctx.addIssue({ code: 'custom', path: ['validUntil'], message: `a derogation (Art. 49) must end at most ${derogationMaxDays} days after validFrom` });
      }
    });
}

function basisObject(row: TransferBasisRow) {
  return {
    id: row.id,
    exporter: row.exporter_member_state,
    recipient: row.recipient,
    instrument: row.instrument,
    reference: row.reference,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    recordedBy: row.recorded_by,
    recordedAt: nativeDateTime(row.recorded_at, 'recorded_at'),
    revokedAt: nativeDateTime(row.revoked_at, 'revoked_at'),
    revokedBy: row.revoked_by,
    inForce: row.in_force,
  };
}

export function transferBasisResolvers(db: Db, policy: Policy): Resolvers<KitContext> {
  const RecordInput = inputSchema(policy.document.transfers.derogationMaxDays);

  /** The caller's Member State, when the caller may change its transfer bases. */
  const exporterOf = (context: KitContext): string => {
    const { roles, country } = context.caller;
    if (!policy.mayChange('transferBases', roles) || !policy.isEuEea(country) || country === 'EU') {
      throw denied('Only the roles the policy names (changes.transferBases) may record, revoke or list transfer bases, and only their own Member State\'s.', 'FORBIDDEN_FIELD', 'transfer-basis.member-state-role-only');
    }
    return country;
  };

  return {
    Query: {
      transferBases: async (_root, _args, context: KitContext) => {
        const exporter = exporterOf(context);
        const rows = await db.query<TransferBasisRow>(`SELECT ${COLUMNS} FROM central.transfer_basis t WHERE t.exporter_member_state = $1 ORDER BY t.recorded_at DESC, t.id`, [exporter]);
        return rows.map(basisObject);
      },
    },
    Mutation: {
      recordTransferBasis: async (_root, { input }: { input: unknown }, context: KitContext) => {
        const exporter = exporterOf(context);
        const parsed = RecordInput.safeParse(input);
        if (!parsed.success) throw invalidInput('input', parsed.error);
        const basis = parsed.data;
        const [recipient] = await db.query<{ country: string }>('SELECT country FROM central.organisation WHERE id = $1', [basis.recipient]);
        if (!recipient) throw badInput('input.recipient: not an organisation taking part in the hub');
        if (policy.isEuEea(recipient.country)) throw badInput('input.recipient: is in the EU/EEA, where no transfer basis is needed');
        const [row] = await db.query<TransferBasisRow>(
          `INSERT INTO central.transfer_basis AS t (exporter_member_state, recipient, instrument, reference, valid_from, valid_until, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
          [exporter, basis.recipient, basis.instrument, basis.reference, basis.validFrom, basis.validUntil ?? null, context.caller.organisation],
        );
        return basisObject(row as TransferBasisRow);
      },
      revokeTransferBasis: async (_root, { id }: { id: string }, context: KitContext) => {
        const exporter = exporterOf(context);
        if (!z.uuid().safeParse(id).success) throw badInput('id: not a transfer basis identifier');
        // Another Member State's bases are not the caller's to revoke, nor to learn of.
        const [row] = await db.query<TransferBasisRow>(
          `UPDATE central.transfer_basis AS t SET revoked_at = COALESCE(t.revoked_at, now()), revoked_by = COALESCE(t.revoked_by, $3)
           WHERE t.id = $1 AND t.exporter_member_state = $2 RETURNING ${COLUMNS}`,
          [id, exporter, context.caller.organisation],
        );
        if (!row) throw badInput('id: no such transfer basis of your Member State');
        return basisObject(row);
      },
    },
  };
}
