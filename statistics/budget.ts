/**
 * The per-organisation question budget (docs/STATISTICS.md § Differencing): each organisation
 * may ask at most `limit` distinct questions per reference period (a month). Asking the same
 * question again costs nothing — the cell-key method gives it the same answer, so it teaches
 * nothing new.
 *
 * The questions already asked come from a ledger — the audit log, where every answered question
 * is recorded with its hash — so every gateway replica, and a restarted one, counts the same
 * budget. Questions this process has charged but whose records are not yet written are kept
 * here too, so concurrent questions cannot slip past the limit together.
 */

/** Distinct questions an organisation may ask per month, unless configured otherwise (CONTINUUM_STATISTICS_QUESTION_BUDGET). */
export const DEFAULT_STATISTICS_QUESTION_BUDGET = 200;

export interface BudgetSpend {
  period: string;
  spent: number;
  limit: number;
  /** The question had been asked in this period already: not charged. */
  repeated: boolean;
}

/** Where the questions an organisation asked in a period are read from. */
export interface QuestionLedger {
  /** Hashes of the distinct questions `organisation` was answered in `period` (YYYY-MM). */
  asked(organisation: string, period: string): Promise<ReadonlySet<string>>;
}

export class QuestionBudget {
  private readonly charged = new Map<string, Set<string>>();

  constructor(
    readonly limit: number,
    private readonly ledger: QuestionLedger,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('The statistics question budget must be a positive integer.');
  }

  /** Charges one question to an organisation, or returns null when its budget for the period is spent. */
  async spend(organisation: string, period: string, question: string): Promise<BudgetSpend | null> {
    const recorded = await this.ledger.asked(organisation, period);
    const key = `${period}|${organisation}`;
    let charged = this.charged.get(key);
    if (!charged) {
      // Only the current period is kept: earlier periods' sets are dropped as a new one starts.
      for (const old of this.charged.keys()) if (!old.startsWith(`${period}|`)) this.charged.delete(old);
      this.charged.set(key, (charged = new Set()));
    }
    const asked = new Set([...recorded, ...charged]);
    if (asked.has(question)) return { period, spent: asked.size, limit: this.limit, repeated: true };
    if (asked.size >= this.limit) return null;
    charged.add(question);
    return { period, spent: asked.size + 1, limit: this.limit, repeated: false };
  }
}
