import { initTRPC, TRPCError } from '@trpc/server'
import { wire } from '@treasury/shared/wire'
import { ZodError } from 'zod'
import { callerScope } from '../services/scope.js'
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../services/errors.js'
import type { Context } from './context.js'

/** "field.path: message" for each issue, so a 400 always names what was wrong. */
export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ')
}

const t = initTRPC.context<Context>().create({
  // JSON with bigints and Dates tagged (shared/src/wire.ts); the web client uses the same.
  transformer: wire,
  // Never send stack traces to clients, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null
    return {
      ...shape,
      message: zod ? describeZodError(zod) : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        fields: zod ? zod.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : undefined,
      },
    }
  },
})

/** Maps service errors to HTTP-meaningful tRPC errors; anything else becomes an opaque 500 (logged, never echoed). */
const errorMapping = t.middleware(async ({ next }) => {
  const result = await next()
  if (result.ok) return result
  const cause = result.error.cause
  if (cause instanceof NotFoundError) throw new TRPCError({ code: 'NOT_FOUND', message: cause.message })
  if (cause instanceof ForbiddenError) throw new TRPCError({ code: 'FORBIDDEN', message: cause.message })
  if (cause instanceof InvalidRequestError) throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message })
  if (result.error.code === 'INTERNAL_SERVER_ERROR') {
    console.error('[trpc] internal error:', result.error.cause ?? result.error)
    throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error' })
  }
  return result
})

export const router = t.router
export const createCallerFactory = t.createCallerFactory
export const publicProcedure = t.procedure.use(errorMapping)

/**
 * Every business procedure: the caller's entity scope is resolved here, once, and handed to the
 * handler as `ctx.scope`. Queries take that scope; nothing else decides what a caller may see.
 */
export const scopedProcedure = publicProcedure.use(async ({ ctx, next }) => next({ ctx: { scope: await callerScope(ctx.db, ctx.caller) } }))
