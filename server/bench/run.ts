import { benchConnectors } from './connectors.js'
import { benchFormats } from './formats.js'
import { benchIngest } from './ingest.js'
import { benchPosition } from './position.js'

/** `pnpm bench <name> [options]`: runs one benchmark and prints its numbers (see docs/PERFORMANCE.md). */
const benches: Record<string, (args: string[]) => Promise<void>> = {
  position: benchPosition,
  formats: benchFormats,
  connectors: benchConnectors,
  ingest: benchIngest,
}

const [name = 'position', ...args] = process.argv.slice(2)
const bench = benches[name]
if (!bench) {
  console.error(`unknown benchmark "${name}"; available: ${Object.keys(benches).join(', ')}`)
  process.exit(1)
}
bench(args).catch((error: unknown) => {
  console.error(`bench ${name} failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
