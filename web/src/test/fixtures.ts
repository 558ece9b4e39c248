import type { AccountItem, PositionSummary, TransactionItem } from '@/api/client'

/** Builders for API answers in unit tests (shapes as the client receives them). */
export function summary(overrides: Partial<PositionSummary> = {}): PositionSummary {
  return {
    currency: 'CNY',
    asOf: '2026-11-27',
    total: 1_000_000_00n,
    rows: [{ key: 'CNY', label: 'CNY', labelEn: 'CNY', amount: 1_000_000_00n, byCurrency: [{ currency: 'CNY', amount: 1_000_000_00n }], accounts: 2 }],
    fx: [],
    unconverted: [],
    stale: [],
    freshness: { oldest: new Date('2026-11-27T01:00:00Z'), newest: new Date('2026-11-27T08:00:00Z') },
    ...overrides,
  } as PositionSummary
}

export function account(overrides: Partial<AccountItem> = {}): AccountItem {
  return {
    id: 'acc_1',
    entityId: 'ent_a',
    bankId: 'bnk_icbc',
    name: 'Operating CNY',
    numberMasked: '6222 **** 0001',
    iban: null,
    currency: 'CNY',
    type: 'operating',
    status: 'active',
    tier: 'I',
    openedOn: '2020-01-01',
    region: { code: 'ZJ-ZS', nameZh: '舟山', nameEn: 'Zhoushan' },
    bookedBalance: 100n,
    availableBalance: 100n,
    asOf: new Date('2026-11-27T08:00:00Z'),
    balanceDate: '2026-11-27',
    source: 'icbc-api',
    fetchedAt: new Date('2026-11-27T08:01:00Z'),
    stale: false,
    ...overrides,
  } as AccountItem
}

export function transaction(id: number, overrides: Partial<TransactionItem> = {}): TransactionItem {
  return {
    id: String(id),
    accountId: 'acc_1',
    bookingDate: '2026-11-27',
    valueDate: '2026-11-27',
    amount: 100n,
    currency: 'CNY',
    status: 'booked',
    bankReference: `REF${id}`,
    endToEndId: null,
    counterpartyName: 'Counterparty',
    counterpartyAccount: null,
    counterpartyBank: null,
    purpose: null,
    bankTransactionCode: null,
    source: 'camt053',
    ...overrides,
  } as TransactionItem
}
