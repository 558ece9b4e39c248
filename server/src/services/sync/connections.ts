import { connectorId as connectorIdSchema } from '@treasury/shared'
import { ConnectorRunner } from '../../connectors/sdk/runtime.js'
import type { ConnectorRegistry } from '../../connectors/sdk/registry.js'
import type { Db } from '../../db/client.js'
import { findConnection, upsertConnection } from '../../db/queries/connectors.js'
import { InvalidRequestError } from '../errors.js'
import { credentialCipherFor } from './credentials.js'

/**
 * Registers (or updates) a connection: which connector, which bank's master data its accounts
 * belong to, its credentials (stored sealed, see credentials.ts) and config (checked against the
 * connector's configSchema), and its schedule (default: the connector manifest's). A new
 * connection is due at once, as a backfill.
 *
 * @example
 * await registerConnection(db, registry, {
 *   id: 'conn_acme', connectorId: 'acme-bank', bankId: 'bnk_acme', name: 'ACME Bank (treasury)',
 *   credentials: { apiKey: '…' }, config: { baseUrl: 'https://api.acme.example' },
 * })
 */
export async function registerConnection(
  db: Db,
  registry: ConnectorRegistry,
  input: {
    id: string
    connectorId: string
    bankId: string
    name: string
    credentials: Record<string, string>
    config: Record<string, unknown>
    schedule?: { intradayEveryMinutes: number | null; endOfDayUtc: string | null }
    backfillDays?: number
    enabled?: boolean
  },
  now: Date = new Date(),
): Promise<void> {
  if (!connectorIdSchema.safeParse(input.connectorId).success || !registry.has(input.connectorId)) {
    throw new InvalidRequestError(`no connector "${input.connectorId}" is installed (known: ${registry.ids().join(', ') || 'none'})`)
  }
  const connector = registry.get(input.connectorId)
  const bad = Object.entries(input.credentials ?? {}).find(([, value]) => typeof value !== 'string')
  if (!input.credentials || typeof input.credentials !== 'object' || Array.isArray(input.credentials) || bad) {
    throw new InvalidRequestError(`credentials of connection "${input.id}" must be an object of strings${bad ? ` (${bad[0]} is not a string)` : ''}`)
  }
  try {
    // Throws ConnectorConfigError when the config does not fit the connector.
    new ConnectorRunner(connector, { credentials: input.credentials, config: input.config })
  } catch (error) {
    throw new InvalidRequestError((error as Error).message)
  }
  const schedule = input.schedule ?? connector.manifest.schedule ?? { intradayEveryMinutes: null, endOfDayUtc: null }
  const existing = await findConnection(db, input.id)
  const cipher = await credentialCipherFor(db)
  await upsertConnection(db, {
    id: input.id,
    connectorId: input.connectorId,
    bankId: input.bankId,
    name: input.name,
    enabled: input.enabled ?? true,
    sealedCredentials: cipher.seal(input.id, input.credentials),
    config: input.config,
    intradayEveryMinutes: schedule.intradayEveryMinutes,
    endOfDayUtc: schedule.endOfDayUtc,
    backfillDays: input.backfillDays ?? Math.min(connector.manifest.historyDays ?? 90, 400),
    nextRunAt: existing ? existing.nextRunAt : now.toISOString(),
    nextRunKind: existing ? existing.nextRunKind : 'backfill',
    createdAt: now.toISOString(),
  })
}
