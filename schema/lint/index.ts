/**
 * The subgraph lint used by composition and by the registry. Rules run in the order listed; each
 * reports through the context and never throws, like graphql-js validation.
 * @module schema/lint
 */
import { parse, visit, visitInParallel, type DocumentNode } from 'graphql';
import { LintError, type LintContext, type LintRule } from './LintContext.js';
import { PersonalDataDeclaredRule } from './PersonalDataDeclaredRule.js';

export { LintError, type LintRule, type LintContext } from './LintContext.js';
export { PersonalDataDeclaredRule, PERSONAL_DATA_UNDECLARED } from './PersonalDataDeclaredRule.js';

/** The rules every subgraph must pass, in order. */
export const specifiedLintRules: readonly LintRule[] = Object.freeze([
  // Every field declares a GDPR data category (DESIGN §5).
  PersonalDataDeclaredRule,
]);

/** Past this many findings the lint stops: a hostile SDL must not make the hub build huge reports. */
const MAX_ERRORS = 100;

export function lintSubgraph(
  subgraphName: string,
  sdl: string | DocumentNode,
  rules: readonly LintRule[] = specifiedLintRules,
): LintError[] {
  const document = typeof sdl === 'string' ? parse(sdl) : sdl;
  const errors: LintError[] = [];
  const context: LintContext = {
    subgraphName,
    document,
    reportError(error) {
      if (errors.length >= MAX_ERRORS) return;
      errors.push(error);
    },
  };
  visit(document, visitInParallel(rules.map((rule) => rule(context))));
  return errors;
}

export { LintError as SubgraphLintError };
