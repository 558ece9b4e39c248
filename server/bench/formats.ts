import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { parseStatementFile } from '../src/formats/index.js'
import { measure, percentile } from './stats.js'

/**
 * Statement parser throughput on generated files: MT940 and camt.053 in MB/s (bytes → ParsedFile,
 * decoding included), and the npm package mt940js on the same MT940 text for comparison.
 * Targets: MT940 ≥ 50 MB/s, camt.053 ≥ 25 MB/s.
 *
 *   tsx bench/formats.ts [--mb 20] [--runs 5]
 */

const require = createRequire(import.meta.url)

interface Mt940js {
  Parser: new () => { parse: (text: string) => unknown[] }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/** A German-bank style MT940 file of about `targetBytes`: statements of 200 entries with GVC :86:. */
export function generateMt940(targetBytes: number): string {
  const parts: string[] = []
  let size = 0
  let statement = 0
  let balance = 100_000_000n
  while (size < targetBytes) {
    statement++
    const day = 1 + (statement % 28)
    const date = `24${pad(1 + (statement % 12), 2)}${pad(day, 2)}`
    const lines = [':20:STARTUMS', ':25:DE89370400440532013000', `:28C:${statement}/1`, `:60F:C${date}EUR${(balance / 100n).toString()},${pad(Number(balance % 100n), 2)}`]
    for (let i = 0; i < 200; i++) {
      const cents = BigInt(1 + ((statement * 7919 + i * 104729) % 500_000))
      const credit = i % 3 !== 0
      balance += credit ? cents : -cents
      lines.push(
        `:61:${date}${date.slice(2)}${credit ? 'C' : 'D'}${cents / 100n},${pad(Number(cents % 100n), 2)}NTRFREF${pad(i, 6)}//B${pad(statement, 6)}${pad(i, 6)}`,
        `:86:166?00GUTSCHRIFT?100399?20EREF+E2E-${statement}-${i}?21SVWZ+Rechnung ${statement}/${i}?22Kundennummer 4711?30COBADEFFXXX`,
        `?31DE02120300000000202051?32Muster GmbH?33Beispielstrasse 1`,
      )
    }
    if (balance < 0n) balance = -balance
    lines.push(`:62F:C${date}EUR${(balance / 100n).toString()},${pad(Number(balance % 100n), 2)}`, '-')
    const text = `${lines.join('\r\n')}\r\n`
    parts.push(text)
    size += text.length
  }
  return parts.join('')
}

/** A camt.053.001.08 file of about `targetBytes`: statements of 200 entries with one TxDtls each. */
export function generateCamt053(targetBytes: number): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n<BkToCstmrStmt>\n<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2024-03-01T18:00:00+01:00</CreDtTm></GrpHdr>\n`
  const parts: string[] = [head]
  let size = head.length
  let statement = 0
  while (size < targetBytes) {
    statement++
    const entries: string[] = []
    let sum = 0n
    for (let i = 0; i < 200; i++) {
      const cents = BigInt(1 + ((statement * 7919 + i * 104729) % 500_000))
      const credit = i % 3 !== 0
      sum += credit ? cents : -cents
      const amount = `${cents / 100n}.${pad(Number(cents % 100n), 2)}`
      entries.push(`<Ntry>
  <Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
  <BookgDt><Dt>2024-03-01</Dt></BookgDt><ValDt><Dt>2024-03-01</Dt></ValDt><AcctSvcrRef>B${pad(statement, 6)}${pad(i, 6)}</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
  <NtryDtls><TxDtls>
    <Refs><InstrId>REF${pad(i, 6)}</InstrId><EndToEndId>E2E-${statement}-${i}</EndToEndId></Refs>
    <Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>
    <RltdPties><${credit ? 'Dbtr' : 'Cdtr'}><Pty><Nm>Muster GmbH</Nm></Pty></${credit ? 'Dbtr' : 'Cdtr'}><${credit ? 'Dbtr' : 'Cdtr'}Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></${credit ? 'Dbtr' : 'Cdtr'}Acct></RltdPties>
    <RltdAgts><${credit ? 'Dbtr' : 'Cdtr'}Agt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></${credit ? 'Dbtr' : 'Cdtr'}Agt></RltdAgts>
    <RmtInf><Ustrd>Rechnung ${statement}/${i} Kundennummer 4711</Ustrd></RmtInf>
  </TxDtls></NtryDtls>
</Ntry>`)
    }
    const opening = 100_000_000n
    const closing = opening + sum
    const bal = (code: string, value: bigint) =>
      `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${(value < 0n ? -value : value) / 100n}.${pad(Number((value < 0n ? -value : value) % 100n), 2)}</Amt><CdtDbtInd>${value < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>`
    const text = `<Stmt>\n<Id>STMT-${statement}</Id><ElctrncSeqNb>${statement}</ElctrncSeqNb><CreDtTm>2024-03-01T18:00:00+01:00</CreDtTm>\n<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>\n${bal('OPBD', opening)}\n${bal('CLBD', closing)}\n${entries.join('\n')}\n</Stmt>\n`
    parts.push(text)
    size += text.length
  }
  parts.push('</BkToCstmrStmt>\n</Document>\n')
  return parts.join('')
}

function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000)
}

export async function benchFormats(args: string[]): Promise<void> {
  const option = (name: string, fallback: number) => {
    const index = args.indexOf(`--${name}`)
    return index >= 0 ? Number(args[index + 1]) : fallback
  }
  const megabytes = option('mb', 20)
  const runs = option('runs', 5)
  const encoder = new TextEncoder()

  const mtText = generateMt940(megabytes * 1e6)
  const mtBytes = encoder.encode(mtText)
  const camtBytes = encoder.encode(generateCamt053(megabytes * 1e6))

  const mtParsed = parseStatementFile(mtBytes, 'mt940')
  const camtParsed = parseStatementFile(camtBytes, 'camt053')
  const count = (file: typeof mtParsed) => file.statements.reduce((n, s) => n + s.entries.length, 0)

  const mt = percentile(await measure(() => parseStatementFile(mtBytes, 'mt940'), runs, 2), 50)
  const camt = percentile(await measure(() => parseStatementFile(camtBytes, 'camt053'), runs, 2), 50)
  const { Parser } = require('mt940js') as Mt940js
  const other = new Parser()
  const otherCount = other.parse(mtText).reduce<number>((n, s) => n + (s as { transactions: unknown[] }).transactions.length, 0)
  const theirs = percentile(await measure(() => other.parse(mtText), runs, 2), 50)

  const mtRate = mbPerSecond(mtBytes.length, mt)
  const camtRate = mbPerSecond(camtBytes.length, camt)
  const theirRate = mbPerSecond(mtBytes.length, theirs)
  console.log(`MT940     ${(mtBytes.length / 1e6).toFixed(1)} MB, ${count(mtParsed)} entries: p50 ${mt.toFixed(0)} ms = ${mtRate.toFixed(1)} MB/s (target ≥ 50)`)
  console.log(`camt.053  ${(camtBytes.length / 1e6).toFixed(1)} MB, ${count(camtParsed)} entries: p50 ${camt.toFixed(0)} ms = ${camtRate.toFixed(1)} MB/s (target ≥ 25)`)
  console.log(`mt940js   same MT940 text, ${otherCount} entries: p50 ${theirs.toFixed(0)} ms = ${theirRate.toFixed(1)} MB/s`)
  console.log(`ratio     ours / mt940js = ${(mtRate / theirRate).toFixed(2)}x`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchFormats(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`bench formats failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
