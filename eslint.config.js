import fs from 'node:fs';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// The client's features, read from disk so that a new feature is fenced off from the others without touching this file.
const features = fs
  .readdirSync(`${root}/client/src/features`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const tests = ['**/*.test.{ts,tsx}'];
const domainMessage =
  'Domains stay transport-free: only *.router.ts may use tRPC; express and cookies live in http/ (issue 14).';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/build/**', 'screenshots/**', 'data/**', 'vt-local.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: {
        // Each file is checked with the tsconfig that owns it (client, server, shared, test; test/ also holds
        // scripts/*.ts and the Vite and Vitest configs).
        projectService: true,
        tsconfigRootDir: root,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      // Which files the import rules follow (the cycle check reads them) and with which parser.
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      // No tsconfig `paths` here: the workspaces resolve through node_modules symlinks and their package.json
      // `exports` ("./*": "./src/*.ts"), and relative imports carry no extension — the plugin's own resolver does
      // both once it tries the TypeScript extensions, so eslint-import-resolver-typescript is not needed.
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.d.ts', '.mts', '.d.mts', '.mjs', '.js', '.json'] }),
      ],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // `async` without `await` is how this code meets a Promise-returning interface (delivery adapters, the
      // migration provider, test doubles) and turns a throw into a rejection: not a mistake here.
      '@typescript-eslint/require-await': 'off',
      // Type-only imports do not run, so they cannot form a cycle at load time; the rule skips them by itself.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Plain JavaScript (eslint.config.js, the .mjs scripts) has no types to check against, nor has the
    // hand-written declaration of scripts/build-server.mjs anything for the type-aware rules to look at.
    files: ['**/*.{js,mjs,cjs}', 'scripts/*.d.mts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['scripts/**', 'test/**', ...tests, '**/*.config.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // A function longer than a screenful or two hides its steps: name them. Tests (long tables of cases) and
    // migrations (frozen DDL) are exempt.
    files: ['server/src/**', 'client/src/**', 'shared/src/**', 'scripts/**'],
    ignores: [...tests, 'server/src/db/migrations/**', 'client/src/test/**'],
    rules: { 'max-lines-per-function': ['error', { max: 150, skipBlankLines: false, skipComments: false }] },
  },

  // Layers (the README's layout). Each block below covers files no other block covers, so no rule's options
  // override another's.
  {
    files: ['shared/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: 'shared',
              from: ['server', 'client'],
              message: 'shared/ is the pure core under both sides: it imports nothing of server/ or client/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['client/src/features/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: features.map((feature) => ({
            target: `client/src/features/${feature}`,
            from: 'client/src/features',
            except: [`./${feature}`],
            message:
              'Features do not import each other: code two features share lives in client/src/components or lib.',
          })),
        },
      ],
    },
  },
  {
    files: ['server/src/domains/**'],
    // Routers are the domains' tRPC edge; tests may drive a domain through its router or its HTTP handler.
    ignores: ['**/*.router.ts', ...tests],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            { target: 'server/src/domains', from: ['server/src/trpc', 'server/src/http'], message: domainMessage },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'express', message: domainMessage },
            { name: '@trpc/server', message: domainMessage },
          ],
          patterns: [{ group: ['@trpc/server/*'], message: domainMessage }],
        },
      ],
    },
  },
  {
    files: ['server/src/http/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: 'server/src/http',
              from: 'server/src/trpc',
              message:
                'The REST handlers do not go through tRPC: errors map with http/errors.ts, cookies with http/cookies.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/db/**'],
    ignores: ['server/src/db/seed/**'],
    rules: {
      // The table types live beside their domains and db/database.ts gathers them with `import type`; at run time
      // the storage core stays below the domains (seeds, which fill domains' tables, sit above them).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/domains/**', '@valore/server/domains/**'],
              allowTypeImports: true,
              message: 'db/ does not depend on domains at run time (type-only imports of table types are fine).',
            },
          ],
        },
      ],
    },
  },
  {
    // XState runs behind one adapter (its contract test pins what the adapter relies on); the scripts are written with
    // its setup API in steps.ts. Everything else plays flows through shared/src/flows (playEvents, replayFlow).
    files: ['**/*.{ts,tsx}'],
    ignores: [
      'shared/src/flows/xstate-adapter.ts',
      'shared/src/flows/xstate-adapter.test.ts',
      'shared/src/flows/steps.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'xstate', message: 'Run flows through shared/src/flows (the XState adapter), not XState itself.' },
          ],
          patterns: [{ group: ['@xstate/*'], message: 'Run flows through shared/src/flows (the XState adapter).' }],
        },
      ],
    },
  },
);
