import { STATEMENT_FORMATS } from '@treasury/shared'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { listStatementImports } from '../../db/queries/statements.js'
import { DEFAULT_IMPORT_MAX_BYTES } from '../../env.js'
import { commitStatementImport, previewStatementImport } from '../../services/statement-import.js'
import type { Context } from '../context.js'
import { publicProcedure, router, scopedProcedure } from '../init.js'

/** The upload limit in bytes of the decoded file: `IMPORT_MAX_BYTES` (validated in env.ts), default 50 MB. */
function importLimit(ctx: Context): number {
  return ctx.importMaxBytes ?? DEFAULT_IMPORT_MAX_BYTES
}

const importFileInput = z
  .object({
    fileName: z.string().min(1).max(500),
    /** The file's bytes, base64. */
    content: z.string(),
    format: z.enum(['auto', ...STATEMENT_FORMATS]).optional(),
  })
  .strict()

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(n / 1024)} KB`
}

/** Decodes the upload; too large is PAYLOAD_TOO_LARGE naming the limit, before decoding anything. */
function decodeUpload(input: z.infer<typeof importFileInput>, limit: number): Uint8Array {
  const size = Buffer.byteLength(input.content, 'base64')
  if (size > limit) {
    // Exact bytes when the rounded figures would read the same ("1 MB; the limit is 1 MB").
    const exact = formatBytes(size) === formatBytes(limit)
    const text = (n: number) => (exact ? `${n.toLocaleString('en-US')} bytes` : formatBytes(n))
    throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `${input.fileName} is ${text(size)}; the upload limit is ${text(limit)}` })
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.content.slice(-4096)) || input.content.length % 4 === 1) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'content: expected the file as base64' })
  }
  const bytes = Buffer.from(input.content, 'base64')
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Statement files (MT940/MT942, camt.052/053/054, BAI2): `limits` gives the upload limit, `preview`
 * shows what a file would import (nothing written), `commit` imports it in one transaction,
 * `recent` lists imported statements.
 */
export const importsRouter = router({
  limits: publicProcedure.query(({ ctx }) => ({ maxBytes: importLimit(ctx) })),
  preview: scopedProcedure.input(importFileInput).mutation(({ ctx, input }) =>
    previewStatementImport(ctx.db, { fileName: input.fileName, bytes: decodeUpload(input, importLimit(ctx)), format: input.format ?? 'auto', scope: ctx.scope }),
  ),
  commit: scopedProcedure
    .input(importFileInput.extend({ createUnknownUnder: z.string().min(1).max(64).optional() }))
    .mutation(({ ctx, input }) =>
      commitStatementImport(ctx.db, {
        fileName: input.fileName,
        bytes: decodeUpload(input, importLimit(ctx)),
        format: input.format ?? 'auto',
        createUnknownUnder: input.createUnknownUnder,
        scope: ctx.scope,
      }),
    ),
  recent: scopedProcedure.input(z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict().optional()).query(async ({ ctx, input }) => {
    const rows = await listStatementImports(ctx.db, ctx.scope, input?.limit ?? 20)
    return rows.map((r) => {
      const check = JSON.parse(r.reconciliation) as { checked: boolean; ok: boolean; message?: string }
      return {
        id: r.id,
        accountId: r.account_id,
        accountName: r.account_name,
        accountNumberMasked: r.account_number_masked,
        fileName: r.file_name,
        format: r.format,
        statementRef: r.statement_ref,
        from: r.period_from,
        to: r.period_to,
        currency: r.currency,
        entries: Number(r.entry_count),
        /** Opening + booked entries = closing checked and true, checked and false, or not checkable (e.g. a camt.054 has no balances). */
        reconciliation: (!check.checked ? 'unchecked' : check.ok ? 'ok' : 'mismatch') as 'ok' | 'mismatch' | 'unchecked',
        reconciliationMessage: check.message ?? null,
        warnings: JSON.parse(r.warnings) as string[],
        importedAt: r.imported_at,
        /** When the statement was first imported (`importedAt` is the latest time). */
        firstImportedAt: r.first_imported_at,
      }
    })
  }),
})
