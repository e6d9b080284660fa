// Lint: typescript-eslint's recommended rules, and the layers of DESIGN.md as import boundaries. Formatting is
// Prettier's (eslint-config-prettier turns off the rules that would fight it).
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The layers, each a folder; a file belongs to the first that matches. */
const LAYERS = [
  { type: 'model', pattern: 'src/model' },
  { type: 'errors', pattern: 'src/errors.ts', partialMatch: false },
  { type: 'engine', pattern: 'src/engine' },
  { type: 'security', pattern: 'src/security' },
  { type: 'interchange', pattern: 'src/interchange' },
  { type: 'store', pattern: 'src/store' },
  { type: 'operations', pattern: 'src/operations' },
  { type: 'server', pattern: 'src/server' },
  { type: 'cli', pattern: 'src/cli' },
  { type: 'config', pattern: 'src/(config|paths).ts', partialMatch: false },
  { type: 'web', pattern: 'web/src' },
];

/** Who may import whom: the engine stays pure, the store knows no commands or routes, the web knows only model types. */
const ALLOWED = {
  model: ['model', 'errors'],
  errors: ['model'],
  engine: ['engine', 'model', 'errors'],
  security: ['security', 'model', 'errors', 'config'],
  interchange: ['interchange', 'model', 'errors', 'engine'],
  store: ['store', 'model', 'errors', 'security', 'config', 'engine'],
  operations: ['operations', 'store', 'engine', 'model', 'errors', 'security', 'interchange', 'config'],
  server: ['server', 'operations', 'store', 'engine', 'model', 'errors', 'security', 'interchange', 'config'],
  cli: ['cli', 'server', 'operations', 'store', 'engine', 'model', 'errors', 'security', 'interchange', 'config'],
  config: ['config', 'model', 'errors', 'store'],
  web: ['web', 'model', 'engine'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'coverage/**', '.bench-baseline/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        Blob: 'readonly',
      },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (a parameter a callback must take).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Test helpers type responses loosely on purpose; the code under src says why where it does.
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS,
      'import/resolver': { typescript: { project: ['tsconfig.json', 'web/tsconfig.json'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(ALLOWED).map(([from, to]) => ({ from: { element: { type: from } }, allow: { to: { element: { types: { anyOf: to } } } } })),
            // Packages are fine anywhere; layers are about our own modules.
            { allow: { to: { module: { origin: 'external' } } } },
            { allow: { to: { module: { origin: 'core' } } } },
          ],
        },
      ],
    },
  },
  prettier,
);
