import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { toDecimalString, type ConnectorAccount, type ConnectorBalance, type ConnectorTransaction } from '@treasury/shared'
import type { DemoAccount } from '../../../demo/index.js'
import { FaultSet, isMissingDay, json, serveSimulator, type SimulatorRequest, type SimulatorResponse } from '../../sdk/index.js'
import { ledgerBalances, makeTruth, resolveDemoOptions, runningDemoSimulator, type DemoSimulatorConnection, type DemoSimulatorOptions, type LedgerDay, type RunningDemoSimulator } from '../demo.js'
import { API_PREFIX } from './api.js'

/**
 * An Open Banking bank on 127.0.0.1 (OBIE v3.1 read API, corporate client-credentials flavour),
 * serving the demo group's accounts at HSBC Hong Kong:
 *
 *   POST /oauth2/token   (Basic client_id:client_secret, grant_type=client_credentials) → Bearer, 300 s
 *   GET  /open-banking/v3.1/aisp/accounts
 *   GET  /open-banking/v3.1/aisp/accounts/{AccountId}/balances?fromBookingDateTime=&toBookingDateTime=[&page=]
 *   GET  /open-banking/v3.1/aisp/accounts/{AccountId}/transactions?fromBookingDateTime=&toBookingDateTime=[&page=]
 *   x-fapi-interaction-id echoed; errors OBIE { Code, Id, Message, Errors: [{ ErrorCode, Message }] }
 *
 * Balances have the bank's history extension (one per day and type: OpeningBooked, ClosingBooked,
 * ClosingAvailable; today InterimBooked/InterimAvailable), DateTime in Hong Kong time. Pages are
 * linked by absolute `Links.Next`. Faults: transport faults (429 with Retry-After), duplicate-pages
 * (a `Links.Next` that serves the same page once more, under another link), missing-days,
 * auth-failed (token endpoint: 401 invalid_client), auth-expired (403
 * UK.OBIE.Resource.InvalidConsentStatus: the consent expired).
 */

export interface ObBank {
  clientId: string
  financialId: string
  /** UTC offset of the bank's date-times. */
  utcOffset: string
}

/** The demo banks served in demo mode. */
export const OB_BANKS: Readonly<Record<string, ObBank>> = {
  bnk_hsbc: { clientId: 'zog-hk-treasury', financialId: '0015800001041RHAAY', utcOffset: '+08:00' },
}
export const DEMO_BANK_IDS: readonly string[] = Object.keys(OB_BANKS)

const CONNECTOR_ID = 'hsbc-ob'
const TOKEN_SECONDS = 300
const BALANCE_DAYS_PER_PAGE = 100

interface Tenant extends ObBank {
  bankId: string
  bankName: string
  clientSecret: string
  accounts: readonly DemoAccount[]
}

/** The opaque AccountId the bank gives an account. */
export function obAccountId(number: string): string {
  return `acc-${createHash('sha256').update(number).digest('hex').slice(0, 16)}`
}

function offsetMs(offset: string): number {
  const [, sign, hh, mm] = /^([+-])(\d{2}):(\d{2})$/.exec(offset)!
  return (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000
}

/** A day's balance DateTime as the bank writes it (local time of its report, on that day). */
export function balanceDateTime(day: LedgerDay, offset: string): string {
  const local = new Date(Date.parse(day.reportedAt) + offsetMs(offset)).toISOString().slice(0, 19)
  return `${local.slice(0, 10) === day.date ? local : `${day.date}T23:59:59`}${offset}`
}

const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/

function transactionJson(accountId: string, e: ConnectorTransaction, index: number, offset: string): Record<string, unknown> {
  const credit = e.amount >= 0n
  const party = e.counterpartyName || e.counterpartyAccount ? { SchemeName: 'HK.OBIE.AccountNumber', Identification: e.counterpartyAccount ?? '', ...(e.counterpartyName ? { Name: e.counterpartyName } : {}) } : undefined
  const agent = e.counterpartyBank ? { SchemeName: BIC.test(e.counterpartyBank) ? 'UK.OBIE.BICFI' : 'HK.HSBC.BankName', Identification: e.counterpartyBank } : undefined
  const seconds = 9 * 3600 + ((index * 613) % 28_800)
  const time = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0')).join(':')
  return {
    AccountId: accountId,
    TransactionId: e.bankReference ? `T${e.bankReference}` : undefined,
    TransactionReference: e.bankReference ?? undefined,
    CreditDebitIndicator: credit ? 'Credit' : 'Debit',
    Status: e.status === 'pending' ? 'Pending' : 'Booked',
    BookingDateTime: `${e.bookingDate}T${time}${offset}`,
    ValueDateTime: `${e.valueDate}T00:00:00${offset}`,
    TransactionInformation: e.purpose ?? undefined,
    Amount: { Amount: toDecimalString(credit ? e.amount : -e.amount, e.currency), Currency: e.currency },
    ProprietaryBankTransactionCode: e.bankTransactionCode ? { Code: e.bankTransactionCode, Issuer: 'HSBC' } : undefined,
    ...(credit ? { DebtorAccount: party, DebtorAgent: agent } : { CreditorAccount: party, CreditorAgent: agent }),
    SupplementaryData: e.endToEndId ? { EndToEndIdentification: e.endToEndId } : undefined,
  }
}

const PERIOD = /^(\d{4}-\d{2}-\d{2})(T[\d:.]+)?([+-]\d{2}:\d{2}|Z)?$/

/**
 * Starts the Open Banking bank. `connections` has one per bank (credentials: client id, secret
 * and financial id).
 *
 * @example
 * const sim = await startSimulator({ seed: 42, today: '2026-11-20', pageSize: 7 })
 */
export async function startSimulator(options: DemoSimulatorOptions = {}): Promise<RunningDemoSimulator> {
  const { seed, ledger, today, banks } = resolveDemoOptions(options, DEMO_BANK_IDS)
  const pageSize = Math.max(1, options.pageSize ?? 200)
  const faults = new FaultSet(options.faults ?? [])
  const tenants: Tenant[] = banks.map((bankId) => ({
    ...OB_BANKS[bankId]!,
    bankId,
    bankName: ledger.bank(bankId).nameEn,
    clientSecret: `ob-secret-${seed}-${OB_BANKS[bankId]!.clientId}`,
    accounts: ledger.accountsOf(bankId),
  }))
  const tokens = new Map<string, { tenant: Tenant; expires: number }>()
  const missing = (date: string) => faults.has('missing-days') && isMissingDay(date, today(), faults.param('missing-days'))

  const handle = (req: SimulatorRequest): SimulatorResponse => {
    const interaction = req.headers['x-fapi-interaction-id'] ?? randomUUID()
    const fapi = { 'x-fapi-interaction-id': interaction }
    const obError = (status: number, code: string, message: string): SimulatorResponse =>
      json(status, { Code: `${status}`, Id: interaction, Message: message, Errors: [{ ErrorCode: code, Message: message }] }, fapi)

    if (req.path === '/oauth2/token') {
      if (req.method !== 'POST') return json(405, { error: 'invalid_request' })
      const header = req.headers.authorization ?? ''
      const [id, secret] = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':').map(decodeURIComponent) : []
      const tenant = tenants.find((t) => t.clientId === id && t.clientSecret === secret)
      if (faults.has('auth-failed') || !tenant) return json(401, { error: 'invalid_client', error_description: 'client authentication failed' })
      if (new URLSearchParams(req.body).get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' })
      const now = Date.now()
      for (const [token, t] of tokens) if (t.expires < now) tokens.delete(token)
      const token = randomBytes(24).toString('base64url')
      tokens.set(token, { tenant, expires: now + TOKEN_SECONDS * 1000 })
      return json(200, { access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS, scope: 'accounts' })
    }

    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    const session = tokens.get(bearer)
    if (!session || session.expires < Date.now()) return obError(401, 'UK.OBIE.Reauthenticate', 'access token invalid or expired')
    if (faults.has('auth-expired')) return obError(403, 'UK.OBIE.Resource.InvalidConsentStatus', 'the consent has expired; the customer must re-authorise')
    if (req.method !== 'GET') return obError(405, 'UK.OBIE.NotSupported', 'method not allowed')
    const tenant = session.tenant
    const base = `http://${req.headers.host ?? '127.0.0.1'}`

    if (req.path === `${API_PREFIX}/accounts`) {
      return json(
        200,
        {
          Data: {
            Account: tenant.accounts.map((a) => ({
              AccountId: obAccountId(a.number),
              Currency: a.currency,
              AccountType: 'Business',
              AccountSubType: a.type === 'deposit' ? 'Savings' : 'CurrentAccount',
              Nickname: a.name,
              Account: [{ SchemeName: 'HK.OBIE.AccountNumber', Identification: a.number, Name: ledger.demo.entities.find((e) => e.id === a.entityId)?.nameEn ?? a.name }],
            })),
          },
          Links: { Self: `${base}${req.path}` },
          Meta: { TotalPages: 1 },
        },
        fapi,
      )
    }

    const match = new RegExp(`^${API_PREFIX}/accounts/([^/]+)/(balances|transactions)$`).exec(req.path)
    if (!match) return obError(404, 'UK.OBIE.Resource.NotFound', `no resource ${req.path}`)
    const account = tenant.accounts.find((a) => obAccountId(a.number) === decodeURIComponent(match[1]!))
    if (!account) return obError(404, 'UK.OBIE.Resource.NotFound', 'no such account')
    const fromParam = PERIOD.exec(req.query.get('fromBookingDateTime') ?? '')
    const toParam = PERIOD.exec(req.query.get('toBookingDateTime') ?? '')
    if (!fromParam || !toParam || fromParam[1]! > toParam[1]!) return obError(400, 'UK.OBIE.Field.Invalid', 'fromBookingDateTime and toBookingDateTime are required')
    const now = today()
    const days = ledger.days(account, fromParam[1]!, toParam[1]!, now).filter((d) => !missing(d.date))
    const page = Number(req.query.get('page') ?? '1')
    const repeat = req.query.get('repeat') === '1'
    const link = (p: number, extra = '') => {
      const q = new URLSearchParams(req.query)
      q.set('page', String(p))
      q.delete('repeat')
      return `${base}${req.path}?${q.toString()}${extra}`
    }

    if (match[2] === 'balances') {
      const pages = Math.max(1, Math.ceil(days.length / BALANCE_DAYS_PER_PAGE))
      if (!Number.isInteger(page) || page < 1 || page > pages) return obError(400, 'UK.OBIE.Field.Invalid', 'page out of range')
      const slice = days.slice((page - 1) * BALANCE_DAYS_PER_PAGE, page * BALANCE_DAYS_PER_PAGE)
      const Balance = slice.flatMap((d) => {
        const DateTime = balanceDateTime(d, tenant.utcOffset)
        const types: [string, bigint][] = d.intraday
          ? [['OpeningBooked', d.opening], ['InterimBooked', d.closing], ['InterimAvailable', d.available]]
          : [['OpeningBooked', d.opening], ['ClosingBooked', d.closing], ['ClosingAvailable', d.available]]
        return types.map(([Type, value]) => ({
          AccountId: obAccountId(account.number),
          Type,
          Amount: { Amount: toDecimalString(value < 0n ? -value : value, account.currency), Currency: account.currency },
          CreditDebitIndicator: value < 0n ? 'Debit' : 'Credit',
          DateTime,
        }))
      })
      return json(200, { Data: { Balance }, Links: { Self: `${base}${req.path}?${req.query.toString()}`, ...(page < pages ? { Next: link(page + 1) } : {}) }, Meta: { TotalPages: pages } }, fapi)
    }

    const entries = days.flatMap((d) => d.entries)
    const pages = Math.max(1, Math.ceil(entries.length / pageSize))
    if (!Number.isInteger(page) || page < 1 || page > pages) return obError(400, 'UK.OBIE.Field.Invalid', 'page out of range')
    const slice = entries.slice((page - 1) * pageSize, page * pageSize)
    // duplicate-pages: the first visit of a page links to itself once more (under another link), then on.
    const next = faults.has('duplicate-pages') && !repeat && slice.length > 0 ? link(page, '&repeat=1') : page < pages ? link(page + 1) : undefined
    return json(
      200,
      {
        Data: { Transaction: slice.map((e, i) => transactionJson(obAccountId(account.number), e, (page - 1) * pageSize + i, tenant.utcOffset)) },
        Links: { Self: `${base}${req.path}?${req.query.toString()}`, ...(next ? { Next: next } : {}) },
        Meta: { TotalPages: pages },
      },
      fapi,
    )
  }

  const server = await serveSimulator({
    handle,
    faults,
    ...(options.port !== undefined ? { port: options.port } : {}),
    transport: {
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      errorBody: (kind, status) =>
        JSON.stringify({
          Code: String(status),
          Id: randomUUID(),
          Message: kind === 'rate-limit' ? 'Too many requests' : 'Service unavailable',
          Errors: [{ ErrorCode: kind === 'rate-limit' ? 'UK.OBIE.Rules.ResourceQuotaExceeded' : 'UK.OBIE.UnexpectedError', Message: kind }],
        }),
    },
  })

  const connections: DemoSimulatorConnection[] = tenants.map((tenant) => {
    const must = (ref: string) => {
      const account = tenant.accounts.find((a) => obAccountId(a.number) === ref)
      if (!account) throw new Error(`${CONNECTOR_ID} simulator: no account ${ref} at ${tenant.bankId}`)
      return account
    }
    const accounts = (): ConnectorAccount[] => tenant.accounts.map((a) => ({ ref: obAccountId(a.number), number: a.number, iban: null, currency: a.currency, name: a.name }))
    const balances = (ref: string, from: string, to: string): ConnectorBalance[] => {
      const account = must(ref)
      return ledger.days(account, from, to, today()).flatMap((d) => ledgerBalances(d, account.currency).map((b) => ({ ...b, reportedAt: new Date(balanceDateTime(d, tenant.utcOffset)) })))
    }
    const transactions = (ref: string, from: string, to: string): ConnectorTransaction[] =>
      ledger
        .days(must(ref), from, to, today())
        .flatMap((d) => d.entries)
        // OBIE sends a counterparty account only with an identification; a name alone travels with an empty one.
        .map((e) => ({ ...e, counterpartyAccount: e.counterpartyAccount || null }))
    return {
      bankId: tenant.bankId,
      name: `${tenant.bankName} · Open Banking (${CONNECTOR_ID})`,
      credentials: { clientId: tenant.clientId, clientSecret: tenant.clientSecret, financialId: tenant.financialId },
      config: { baseUrl: server.url },
      truth: makeTruth(today, accounts, balances, transactions),
    }
  })
  return runningDemoSimulator(CONNECTOR_ID, server, faults, connections)
}
