import type { ParseWarning, Statement } from '@treasury/shared'

/** The code of the warning a statement that does not reconcile gets. */
export const RECONCILIATION_MISMATCH = 'reconciliation-mismatch'

/**
 * Checks opening + Σ booked entries = closing and records the outcome in
 * `statement.reconciliation`. Opening is OPBD (else PRCD, camt's previously closed booked balance),
 * closing is CLBD; both must be in the statement's currency. Returns a warning on a mismatch: many
 * real (anonymised, hand-edited) files do not add up, and that is information, not a parse failure.
 *
 * @example
 * reconcileStatement(statement) // undefined when it adds up or cannot be checked
 */
export function reconcileStatement(statement: Statement): ParseWarning | undefined {
  const inCurrency = statement.balances.filter((b) => b.currency === undefined || b.currency === statement.currency)
  const opening = inCurrency.find((b) => b.type === 'OPBD') ?? inCurrency.find((b) => b.type === 'PRCD')
  const closing = inCurrency.filter((b) => b.type === 'CLBD').at(-1)
  if (!opening || !closing) {
    statement.reconciliation = {
      checked: false,
      ok: true,
      message: `not checked: no ${opening ? '' : 'opening (OPBD/PRCD) '}${!opening && !closing ? 'or ' : ''}${closing ? '' : 'closing (CLBD) '}balance in ${statement.currency}`.replace(/ +/g, ' '),
    }
    return undefined
  }
  const { sum, foreign } = bookedSum(statement)
  const expected = opening.amount + sum
  const ok = expected === closing.amount
  statement.reconciliation = { checked: true, ok, expected, actual: closing.amount }
  if (foreign > 0) statement.reconciliation.message = `${foreign} booked entries in another currency were left out`
  if (ok) return undefined
  const message = `statement ${statement.id ?? ''} of ${describeAccount(statement)} does not reconcile: ${opening.type} ${opening.amount} + booked entries ${sum} = ${expected}, but CLBD is ${closing.amount} (minor units of ${statement.currency})`
  statement.reconciliation.message = statement.reconciliation.message ? `${message}; ${statement.reconciliation.message}` : message
  return { code: RECONCILIATION_MISMATCH, message: message.replace(/ +/g, ' ') }
}

/** Σ amounts (bigint minor units) of the booked entries in the statement's currency, and how many booked entries are in another one. */
function bookedSum(statement: Statement): { sum: bigint; foreign: number } {
  let sum = 0n
  let foreign = 0
  for (const entry of statement.entries) {
    if (entry.status !== 'BOOK') continue
    if (entry.currency !== statement.currency) foreign++
    else sum += entry.amount
  }
  return { sum, foreign }
}

function describeAccount(statement: Statement): string {
  const { iban, number, bic } = statement.account
  return iban ?? ([bic, number].filter(Boolean).join('/') || 'an unidentified account')
}
