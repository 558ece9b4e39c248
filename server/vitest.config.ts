import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: {
      // kysely's FileMigrationProvider import()s the .ts migrations; through vitest's runner that works on Node 20.
      deps: { inline: ['kysely'] },
    },
  },
})
