import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Starts (and stops) a throwaway PostgreSQL so integration suites run on both databases.
    globalSetup: ['./support/global-setup.ts'],
    // Opening a database means CREATE DATABASE plus migrations: more than the 10 s default on a busy CI box.
    hookTimeout: 60_000,
    testTimeout: 30_000,
    server: {
      deps: {
        // kysely's FileMigrationProvider loads migrations with a dynamic import(); run natively,
        // Node 20 cannot import the server's .ts migrations, through vitest's module runner it can.
        inline: ['kysely'],
      },
    },
  },
})
