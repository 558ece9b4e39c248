import path from 'node:path'
import { parseArgs } from 'node:util'
import { scaffoldConnector, ScaffoldError } from '../connectors/sdk/scaffold.js'

/**
 * `pnpm new:connector <id> [--name "Display Name"] [--country CN[,HK…]] [--dir <folder>]`
 * Scaffolds `server/src/connectors/banks/<id>/` from the template: a connector with its own
 * simulator that passes the conformance kit as generated. Then: `pnpm test:connector <id>`.
 */

const USAGE = 'usage: pnpm new:connector <id> [--name "Display Name"] [--country CN[,HK…]]'

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, country: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help || positionals.length !== 1) {
    console.error(USAGE)
    return values.help ? 0 : 2
  }
  const id = positionals[0]!
  const { dir, files } = await scaffoldConnector({
    id,
    ...(values.name ? { displayName: values.name } : {}),
    ...(values.country ? { countries: values.country.split(',').map((c) => c.trim().toUpperCase()) } : {}),
    ...(values.dir ? { dir: path.resolve(values.dir) } : {}),
  })
  const shown = path.relative(process.cwd(), dir) || dir
  console.log(`created ${shown}/ (${files.join(', ')})`)
  console.log('')
  console.log('next:')
  console.log(`  pnpm test:connector ${id}      # green as generated: the kit against its own simulator`)
  console.log(`  edit ${shown}/api.ts and transform.ts for your bank, simulator.ts to speak its protocol`)
  console.log('  read docs/CONNECTORS.md for the contract, the typed errors and the kit')
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`new:connector: ${error instanceof ScaffoldError || error instanceof TypeError ? error.message : String((error as Error)?.message ?? error)}`)
    process.exit(1)
  },
)
