/**
 * The sync engine and what the API needs from it. The app starts it with `startSyncEngine(db)`.
 *
 * @example
 * import { startSyncEngine } from './services/sync/index.js'
 * const sync = await startSyncEngine(db, { logLevel: env.LOG_LEVEL })
 */
export { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER, type CircuitBreakerOptions } from './circuit-breaker.js'
export { registerConnection } from './connections.js'
export { checkContinuity, type ContinuityInputs, type ContinuityResult } from './continuity.js'
export { CredentialCipher, CredentialsError, credentialCipherFor, isSealed, sealPlainCredentials } from './credentials.js'
export { DEFAULT_RUN_RETENTION, SyncEngine, startSyncEngine, type RunRetention, type SyncEngineOptions } from './engine.js'
export { DEFAULT_RETRY_POLICY, backoffDelay, withRetry, type RetryPolicy } from './retry.js'
export { failureBackoffMs, nextScheduledRun, planNextRun } from './schedule.js'
export { connectionHealth, listConnectionRuns, listConnectionViews, requestSyncNow, type ConnectionHealth, type ConnectionView, type SyncRunView } from './status.js'
export { planWindow, runConnectionSync, type SyncRunOutcome } from './sync-connection.js'
