// Lint configuration: typescript-eslint's recommended rules on every TypeScript module.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '**/node_modules/**', '**/dist/**', '.data/**', 'coverage/**', 'tests/artifacts/**', '.proto/**', '.scratch/**', 'gateway/explorer/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['bin/**', 'bench/**', 'schema/cli.ts', '**/cli.ts', '**/cli/**'],
    rules: { 'no-console': 'off' },
  },
);
