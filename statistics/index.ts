/**
 * MEAL statistics: declared tables and bands, disclosure control, and the hub-side join of each
 * system's contribution (docs/STATISTICS.md).
 * @module statistics
 */
export { DIMENSIONS, TABLES, TABLE_NAMES, ASSISTANCE_KINDS, PERIOD_DIMENSION, bandsOf, type CaseRecord, type Dimension, type Question, type TableName, type Filter } from './tables.js';
export { THRESHOLD, ROUNDING_BASE, suppressionPattern, roundCount, perturbedMean, type CellStatus } from './disclosure.js';
export { answer, TOTAL, type Answer, type Cell, type MeasureValue } from './compute.js';
export { joinContributions, recordKey, type CaseIndexColumns, type MemberStateColumns, type PartnerColumns, type Contributions } from './join.js';
export { parseCaseIndex, parseMemberState, parsePartner, ContributionFormatError, CASE_SEPARATOR, FIELD_SEPARATOR, LIST_SEPARATOR } from './wire.js';
export { parseQuestion, questionHash, referenceDate, QuestionError } from './question.js';
export { QuestionBudget, DEFAULT_STATISTICS_QUESTION_BUDGET, type BudgetSpend, type QuestionLedger } from './budget.js';
