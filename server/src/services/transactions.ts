import type { TransactionsListInput } from '@treasury/shared'
import type { Db } from '../db/client.js'
import type { EntityScope } from '../db/queries/scope.js'
import { findAccountInScope } from '../db/queries/accounts.js'
import { listTransactions } from '../db/queries/transactions.js'
import { InvalidRequestError, NotFoundError } from './errors.js'

/** Keyset cursors are opaque to clients: base64url of "bookingDate|id" of the last item served. */
export function encodeCursor(bookingDate: string, id: bigint): string {
  return Buffer.from(`${bookingDate}|${id}`).toString('base64url')
}

export function decodeCursor(cursor: string): { bookingDate: string; id: bigint } {
  const match = /^(\d{4}-\d{2}-\d{2})\|(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!match) throw new InvalidRequestError('cursor: malformed cursor (pass back nextCursor unchanged)')
  return { bookingDate: match[1]!, id: BigInt(match[2]!) }
}

export async function listTransactionsPage(db: Db, scope: EntityScope, input: TransactionsListInput) {
  if (input.accountId && !(await findAccountInScope(db, scope, input.accountId))) {
    throw new NotFoundError(`unknown account "${input.accountId}"`)
  }
  const rows = await listTransactions(db, scope, {
    ...input,
    after: input.cursor ? decodeCursor(input.cursor) : undefined,
    limit: input.limit + 1,
  })
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    items: page.map((t) => ({
      id: String(t.id),
      accountId: t.account_id,
      bookingDate: t.booking_date,
      valueDate: t.value_date,
      amount: t.amount,
      currency: t.currency,
      status: t.status as 'booked' | 'pending',
      bankReference: t.bank_reference,
      endToEndId: t.end_to_end_id,
      counterpartyName: t.counterparty_name,
      counterpartyAccount: t.counterparty_account,
      counterpartyBank: t.counterparty_bank,
      purpose: t.purpose,
      bankTransactionCode: t.bank_transaction_code,
      source: t.source,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.booking_date, BigInt(last.id)) : null,
  }
}
