import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

/** Table types for Kysely. Dates are 'YYYY-MM-DD' text, timestamps ISO-8601 UTC text, money bigint. */
export interface Database {
  entities: EntitiesTable
  banks: BanksTable
  accounts: AccountsTable
  balances: BalancesTable
  transactions: TransactionsTable
  fx_rates: FxRatesTable
  app_meta: AppMetaTable
}

export interface EntitiesTable {
  id: string
  parent_id: string | null
  path: string
  depth: number
  code: string
  name_zh: string
  name_en: string
  region_code: string
  region_country: string
  region_name_zh: string
  region_name_en: string
  functional_currency: string
}

export interface BanksTable {
  id: string
  name_zh: string
  name_en: string
  bic: string
  country: string
}

export interface AccountsTable {
  id: string
  entity_id: string
  bank_id: string
  name: string
  number: string
  number_masked: string
  iban: string | null
  currency: string
  type: string
  status: string
  tier: string
  opened_on: string
}

export interface BalancesTable {
  account_id: string
  date: string
  type: string
  amount: bigint
  reported_at: string
  fetched_at: string
  source: string
}

export interface TransactionsTable {
  id: Generated<bigint>
  account_id: string
  dedupe_key: string
  booking_date: string
  value_date: string
  amount: bigint
  currency: string
  status: string
  bank_reference: string | null
  end_to_end_id: string | null
  counterparty_name: string | null
  counterparty_account: string | null
  counterparty_bank: string | null
  purpose: string | null
  bank_transaction_code: string | null
  source: string
  created_at: ColumnType<string, string, never>
}

export interface FxRatesTable {
  base: string
  quote: string
  date: string
  rate: string
  source: string
}

export interface AppMetaTable {
  key: string
  value: string
}

export type EntityRow = Selectable<EntitiesTable>
export type AccountRow = Selectable<AccountsTable>
export type BankRow = Selectable<BanksTable>
export type TransactionRow = Selectable<TransactionsTable>
export type NewTransaction = Insertable<TransactionsTable>
export type NewBalance = Insertable<BalancesTable>
