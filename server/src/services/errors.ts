/** A request that names something that does not exist or lies outside the caller's scope (→ 404). */
export class NotFoundError extends Error {
  override name = 'NotFoundError'
}

/** A request the caller may not make (→ 403). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError'
}

/** A request that is well-formed but cannot be answered as asked (→ 400). */
export class InvalidRequestError extends Error {
  override name = 'InvalidRequestError'
}
