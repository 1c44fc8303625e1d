/**
 * Max aliases
 *
 * Refuses a document with more than `maxAliases` aliased fields. Aliases let one request ask for
 * the same field many times (`a1: case(ref: …) a2: case(ref: …) …`): a thousand of them turn one
 * authenticated request into a thousand lookups, each with its own access decisions, and into a
 * cheap way to probe case references in bulk. Counted over the whole document, fragments
 * included once each, because that is what the client sent.
 */
import type { ASTVisitor, FieldNode, ValidationContext, ValidationRule } from 'graphql';
import { limitError } from './limitError.js';

export function MaxAliasesRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const aliased: FieldNode[] = [];
    return {
      Field(node) {
        if (node.alias) aliased.push(node);
      },
      Document: {
        leave() {
          // Locating every alias would make the error as large as the attack: the first past the limit will do.
          if (aliased.length > maxAliases) context.reportError(limitError('HUB_LIMIT_ALIASES', [aliased.length, maxAliases], aliased[maxAliases]!));
        },
      },
    };
  };
}
