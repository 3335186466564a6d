// The fault tests (`npm run test:faults`): each starts, kills and restarts the compiled API on an
// embedded PostgreSQL of its own, so they are slow and kept out of `npm test`.
const { projects } = require('./jest.config');
const { globalSetup, globalTeardown, ...e2e } = projects.find((project) => project.displayName === 'e2e');

module.exports = {
  testTimeout: 180000,
  projects: [{ ...e2e, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'] }],
};
