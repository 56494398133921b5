import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import importPlugin from 'eslint-plugin-import'

/**
 * The layers (README, Develop): facts/ is a leaf; checks/ judge facts; docker/, proxy/ and probe/
 * each drive one thing; runtime/ alone sequences them; reports render results. An import that
 * climbs a layer, or an I/O module inside checks/ or facts/, fails `npm test`.
 */
const zone = (target, except, message) => ({ target, from: './src', except, message })
const LAYERS = [
  zone('./src/facts', ['./facts'], 'facts/ is a leaf: it imports nothing of ours'),
  zone('./src/checks', ['./checks', './facts'], 'checks/ import only facts/ and checks/lib/'),
  zone(
    './src/docker',
    ['./docker', './facts', './exec.ts', './log.ts'],
    'docker/ imports only facts/ and exec',
  ),
  zone(
    './src/proxy',
    ['./proxy', './facts', './exec.ts', './log.ts'],
    'proxy/ imports only facts/ and exec',
  ),
  zone(
    './src/host',
    ['./host', './facts', './exec.ts', './log.ts'],
    'host/ imports only facts/ and exec',
  ),
  zone(
    './src/probe',
    ['./probe', './facts', './exec.ts', './log.ts'],
    'probe/ imports only facts/ and exec',
  ),
  zone(
    './src/report',
    ['./report', './facts', './checks', './options.ts', './log.ts'],
    'reports render results: no runtime, engine, network or GitHub',
  ),
  {
    target: './src/checks/lib',
    from: './src/checks',
    except: ['./lib'],
    message: 'checks/lib/ helpers never import a check',
  },
]
/** Node's modules: the pure layers may use none of them (facts/ only crypto, for cookie HMACs). */
const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'tls',
  'http',
  'https',
  'dns',
  'dgram',
  'worker_threads',
  'cluster',
  'process',
  'readline',
  'stream',
  'zlib',
  'crypto',
  'timers',
  'url',
  'util',
  'events',
  'buffer',
  'vm',
  'v8',
  'perf_hooks',
  'module',
  'inspector',
]
const pureImports = (message, allowed = []) => ({
  paths: [
    ...NODE_BUILTINS.filter((m) => !allowed.includes(m)).map((name) => ({ name, message })),
    { name: 'undici', message },
    { name: 'selfsigned', message },
  ],
  patterns: [
    { group: ['node:*', ...allowed.map((m) => `!node:${m}`)], message },
    { group: ['@actions/*'], message },
  ],
})
const CHECKS_PURE = 'checks are pure: they judge facts and start nothing'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'build/**',
      'node_modules/**',
      'coverage/**',
      '**/fixtures/**',
      'examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json' } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { import: importPlugin },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' }, node: true },
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': ['error', { zones: LAYERS }],
    },
  },
  {
    // Checks judge facts: no I/O, no runner, no network, not even the clock's neighbours.
    files: ['src/checks/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', pureImports(CHECKS_PURE)],
    },
  },
  {
    // A check file holds one prefix's checks; what two of them share lives in checks/lib/.
    files: ['src/checks/*.ts'],
    ignores: ['src/checks/catalog.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...pureImports(CHECKS_PURE),
          patterns: [
            ...pureImports(CHECKS_PURE).patterns,
            {
              group: ['./*', '!./lib', '!./lib/*', '!./ids'],
              message: 'a check imports checks/lib/ and facts/, never another check file',
            },
          ],
        },
      ],
    },
  },
  {
    // A prefix folder (checks/proxy/, checks/tls/ ...) holds one check per file: a check imports
    // ../lib/ and facts/, never a sibling or another prefix; only its index.ts lists the siblings.
    files: ['src/checks/*/*.ts'],
    ignores: ['src/checks/lib/**', 'src/checks/*/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...pureImports(CHECKS_PURE),
          patterns: [
            ...pureImports(CHECKS_PURE).patterns,
            {
              // ./sibling or ../other-prefix; ../lib/ and ../../facts/ stay allowed.
              regex: '^\\.\\.?/(?!lib(/|$)|\\.)',
              message: 'a check imports checks/lib/ and facts/, never another check file',
            },
          ],
        },
      ],
    },
  },
  {
    // Facts are data and parsers. Cookie signatures need HMAC (node:crypto); nothing else.
    files: ['src/facts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        pureImports('facts/ is a leaf: types and parsers, no I/O', ['crypto']),
      ],
    },
  },
  {
    files: ['src/report/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@actions/*',
                'undici',
                'node:child_process',
                'child_process',
                'node:net',
                'node:http',
                'node:https',
              ],
              message: 'reports render results: they start nothing and reach no network',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
