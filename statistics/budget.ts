/**
 * The per-organisation question budget (docs/STATISTICS.md § Differencing): each organisation
 * may ask at most `limit` distinct questions per reference period. Asking the same question again
 * costs nothing — the cell-key method gives it the same answer, so it teaches nothing new. What
 * was spent is written in each statistics audit record.
 */

export interface BudgetSpend {
  period: string;
  spent: number;
  limit: number;
  /** The question had been asked in this period already: not charged. */
  repeated: boolean;
}

export class QuestionBudget {
  private readonly asked = new Map<string, Set<string>>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('The statistics question budget must be a positive integer.');
  }

  /** Charges one question to an organisation, or returns null when its budget for the period is spent. */
  spend(organisation: string, period: string, question: string): BudgetSpend | null {
    const key = `${period}|${organisation}`;
    let asked = this.asked.get(key);
    if (!asked) {
      // Only the current period is kept: earlier periods' sets are dropped as a new one starts.
      for (const old of this.asked.keys()) if (!old.startsWith(`${period}|`)) this.asked.delete(old);
      this.asked.set(key, (asked = new Set()));
    }
    if (asked.has(question)) return { period, spent: asked.size, limit: this.limit, repeated: true };
    if (asked.size >= this.limit) return null;
    asked.add(question);
    return { period, spent: asked.size, limit: this.limit, repeated: false };
  }
}
