/**
 * The connector SDK, server side. A connector author imports the contract from `@treasury/shared`
 * (types, `defineConnector`, typed errors) and, for a simulator, the helpers re-exported here.
 *
 * @example
 * import { defineConnector, InvalidResponseError } from '@treasury/shared'
 * import { serveSimulator, FaultSet, isMissingDay, type StartSimulator } from '../../sdk/index.js'
 */
export * from './dedupe.js'
export * from './faults.js'
export * from './http.js'
export * from './registry.js'
export * from './runtime.js'
export * from './simulator.js'
export * from './testing.js'
export * from './validate.js'
