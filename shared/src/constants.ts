/**
 * The value lists the schemas are built from (`z.enum(ACCOUNT_TYPES)`…) and their types, without
 * zod: the web app's first view uses them, and importing a schema module would bring zod and every
 * schema into it. Like currencies, money and fx, this module must not import zod at runtime.
 */

/** Account types; wage-special is the restricted 农民工工资专用账户. */
export const ACCOUNT_TYPES = ['operating', 'wage-special', 'deposit', 'escrow', 'cash-pool-header'] as const
export type AccountType = (typeof ACCOUNT_TYPES)[number]

export const ACCOUNT_STATUSES = ['active', 'dormant', 'frozen', 'closed'] as const

/** camt balance types the position uses: opening/closing/interim booked, interim/closing available. */
export const BALANCE_TYPES = ['OPBD', 'CLBD', 'ITBD', 'ITAV', 'CLAV'] as const
export type BalanceType = (typeof BALANCE_TYPES)[number]

/** What the position can be broken down by (`position.summary`'s `groupBy`). */
export const POSITION_GROUP_BY = ['entity', 'bank', 'currency', 'region', 'accountType'] as const
export type PositionGroupBy = (typeof POSITION_GROUP_BY)[number]

/** Bank statement formats the import reads. */
export const STATEMENT_FORMATS = ['mt940', 'mt942', 'camt052', 'camt053', 'camt054', 'bai2'] as const
export type StatementFormat = (typeof STATEMENT_FORMATS)[number]
