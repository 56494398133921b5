/** Two projects: fast unit tests, and end-to-end tests on a real Docker engine (serial). */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
}
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.e2e\\.test\\.ts$', '/fixtures/'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/__tests__/e2e/global-setup.js',
      globalTeardown: '<rootDir>/__tests__/e2e/global-teardown.js',
    },
  ],
}
