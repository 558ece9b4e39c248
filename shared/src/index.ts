// Everything, schemas included (the server's import). The web app imports the zod-free modules
// (constants, currencies, money, fx) by path instead, e.g. '@treasury/shared/money', so its first
// view does not load zod and every schema.
export * from './constants.js'
export * from './currencies.js'
export * from './money.js'
export * from './fx.js'
export * from './domain.js'
export * from './api.js'
export * from './statement.js'
export * from './connector.js'
