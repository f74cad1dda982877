// ESLint flat config: typescript-eslint's recommended rules, plus the one
// architectural rule that matters most: the engine stays pure (ARCHITECTURE.md).
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
