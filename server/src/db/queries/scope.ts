import { sql, type Expression, type SqlBool } from 'kysely'

/**
 * The member-company subtrees a query may see: materialised entity paths ('/root/…/id/').
 * Built only by services/scope.ts from the caller; every business query takes one.
 */
export interface EntityScope {
  readonly paths: readonly string[]
}

/** SQL condition "entity path column lies in one of the scope's subtrees" (an exact prefix test, no LIKE wildcards). */
export function pathInScope(column: string, scope: EntityScope): Expression<SqlBool> {
  if (scope.paths.length === 0) return sql<SqlBool>`1 = 0`
  const tests = scope.paths.map((prefix) => sql<SqlBool>`substr(${sql.ref(column)}, 1, ${prefix.length}) = ${prefix}`)
  return sql<SqlBool>`(${sql.join(tests, sql` or `)})`
}
