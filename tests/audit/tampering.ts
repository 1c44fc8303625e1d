/** What a tamperer writes into each derived column of a record; each differs from what the test records hold. */
export const TAMPERING = {
  id: 'gen_random_uuid()',
  recorded_at: "recorded_at - interval '400 days'",
  kind: "CASE kind WHEN 'ACCESS' THEN 'REGISTRY' ELSE 'ACCESS' END",
  request_id: "'forged-request'",
  organisation: "'EU/GOV/DE-RETURN'",
  official_id: "'someone-else'",
  purpose: "'MONITORING_EVALUATION'",
  outcome: "'DENIED'",
  cases: "ARRAY['EU-2099-000001']::text[]",
  // A question hash on a record that asked none would count against the organisation's budget.
  statistics_question: "'f'",
  purged_at: 'now()',
} as const;
export type Column = keyof typeof TAMPERING;
