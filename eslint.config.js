// ESLint flat config: typescript-eslint's recommended rules, plus the
// architectural rules that matter most: the engine stays pure, and the CLI is
// a thin layer over the public API (ARCHITECTURE.md).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'benchmarks/.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests poke at parsed JSON output; typing every shape would add noise, not safety.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The CLI calls nothing a library user could not: it imports the public entry
    // modules (src/api/*.ts, the package "exports") and its own files, never the
    // layers behind them. An exception needs an eslint-disable comment saying why.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(engine|ccm|service|store|sync)(/|$)',
              message: 'src/cli imports the public API (src/api/*.js, package.json "exports"), not the layers behind it; export what the CLI needs there.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process'].map((name) => ({
            name,
            message: 'src/engine is pure: no file system, network or processes (ARCHITECTURE.md).',
          })),
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'src/engine is pure: no network.' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'src/engine takes time as an argument (`at`), never Date.now().' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/engine takes time as an argument (`at`), never new Date().' },
      ],
    },
  },
);
