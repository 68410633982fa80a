// ESLint 9 flat config: @eslint/js + typescript-eslint recommended, syntax-only (no type-aware
// rules, so `eslint .` stays fast; `tsc --noEmit` is the type check). Generated and vendored
// code is not ours to lint.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Node's own globals, read from the running Node rather than from a list package: exactly what
// scripts (.js/.mjs) may use without an import (process, console, setTimeout, URL, fetch, ...).
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']));

const DOMAINS = ['identity', 'inventory', 'procurement', 'shipments', 'analytics', 'webhooks'];

const unusedVars = [
  'error',
  {
    args: 'after-used',
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrors: 'all',
    caughtErrorsIgnorePattern: '^_',
    destructuredArrayIgnorePattern: '^_',
    ignoreRestSiblings: true,
  },
];

export default defineConfig(
  {
    ignores: [
      'gen/',
      'dist/',
      'packages/*/gen/',
      'packages/*/dist/',
      'node_modules/',
      '.imsop/',
      'vendor/',
      'coverage/',
      '.vitest/',
      'bench-results/',
    ],
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeGlobals },
    rules: { 'no-unused-vars': unusedVars },
  },
  {
    files: ['{src,test,scripts,bench,examples,packages}/**/*.{ts,mts,cts}', '*.{ts,mts,cts}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': unusedVars,
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // The layers of src/ (docs/architecture.md): domains are peers that never import one another
  // (a need of one domain is a port it declares, wired to another's public face by an adapter in
  // src/adapters/), and the platform imports nothing above it. test/import-layers.test.ts checks
  // the whole graph (and cycles); these rules make the editor and `npm run lint` say it first.
  ...DOMAINS.map((domain) => ({
    files: [`src/${domain}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...DOMAINS.filter((other) => other !== domain).map((other) => ({
              group: [`../${other}/*`, `../../${other}/*`, `../../../${other}/*`],
              message: `Domains do not import one another: declare a port in ${domain} and wire it to ${other}'s public face in src/adapters/.`,
            })),
            {
              group: ['../adapters/*', '../../adapters/*', '../domains.js', '../../domains.js'],
              message: 'A domain does not import the composition root.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...DOMAINS, 'adapters', 'cli'].flatMap((top) => [
                `../${top}/*`,
                `../../${top}/*`,
                `../../../${top}/*`,
              ]),
              message: 'The platform imports nothing above it (domains, adapters, the composition root).',
            },
          ],
        },
      ],
    },
  },
  {
    // CommonJS files, should any appear (e.g. a tool's .cjs config).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
