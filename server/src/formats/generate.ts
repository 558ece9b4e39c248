/**
 * Synthetic statement files for the benchmark (bench/formats.ts) and the streaming tests: German-bank
 * MT940 with GVC :86:, camt.053.001.08 with one TxDtls per entry, BAI2 with 16/88 records. Each
 * statement reconciles. Deterministic (no randomness): the same size gives the same bytes.
 * `varied` mixes in what real files have and a chunked reader must survive: non-ASCII text (UTF-8
 * multi-byte characters), statements over several pages (:62M:/:60M:), narrative lines that start
 * like a message end ("-Nr."), XML entities, CDATA, comments and a namespace prefix.
 */

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0')
}

/** Minor units → "1234,56" (MT940) or "1234.56" (camt). */
function decimal(minor: bigint, separator: string): string {
  const value = minor < 0n ? -minor : minor
  return `${value / 100n}${separator}${pad(value % 100n, 2)}`
}

export interface GenerateOptions {
  varied?: boolean
}

/** One MT940 statement (200 entries); `balance` is its opening balance, the closing one is returned. */
function mt940Statement(statement: number, opening: bigint, varied: boolean): { text: string; closing: bigint } {
  const day = 1 + (statement % 28)
  const date = `24${pad(1 + (statement % 12), 2)}${pad(day, 2)}`
  const pages = varied && statement % 5 === 0 ? 2 : 1
  let balance = opening
  const lines = [':20:STARTUMS', ':25:DE89370400440532013000', `:28C:${statement}/1`, `:60F:C${date}EUR${decimal(balance, ',')}`]
  for (let i = 0; i < 200; i++) {
    if (pages === 2 && i === 100) {
      lines.push(`:62M:C${date}EUR${decimal(balance, ',')}`, '-', ':20:STARTUMS', ':25:DE89370400440532013000', `:28C:${statement}/2`, `:60M:C${date}EUR${decimal(balance, ',')}`)
    }
    const cents = BigInt(1 + ((statement * 7919 + i * 104729) % 500_000))
    const credit = i % 3 !== 0
    balance += credit ? cents : -cents
    const name = varied && i % 7 === 0 ? 'Müller & Söhne GmbH' : 'Muster GmbH'
    const street = varied && i % 11 === 0 ? 'Große Straße 1' : 'Beispielstrasse 1'
    lines.push(
      `:61:${date}${date.slice(2)}${credit ? 'C' : 'D'}${decimal(cents, ',')}NTRFREF${pad(i, 6)}//B${pad(statement, 6)}${pad(i, 6)}`,
      `:86:166?00GUTSCHRIFT?100399?20EREF+E2E-${statement}-${i}?21SVWZ+Rechnung ${statement}/${i}?22Kundennummer 4711?30COBADEFFXXX`,
      `?31DE02120300000000202051?32${name}?33${street}`,
    )
    if (varied && i % 13 === 0) lines.push('-Nr. 4711 (Fortsetzung)')
  }
  if (balance < 0n) {
    // Keep the balances positive: a credit that brings it back (and the statement still reconciles).
    const back = -balance + 100_000n
    balance += back
    lines.push(`:61:${date}${date.slice(2)}C${decimal(back, ',')}NTRFNONREF//BACK${pad(statement, 6)}`, ':86:166?00GUTSCHRIFT?20Ausgleich')
  }
  lines.push(`:62F:C${date}EUR${decimal(balance, ',')}`, '-')
  return { text: `${lines.join('\r\n')}\r\n`, closing: balance }
}

/** A German-bank style MT940 file of about `targetBytes` (UTF-8): statements of 200 entries with GVC :86:. */
export function generateMt940(targetBytes: number, options: GenerateOptions = {}): string {
  const parts: string[] = []
  for (const part of mt940Parts(targetBytes, options)) parts.push(part)
  return parts.join('')
}

/** The same file statement by statement (to write a big file without holding it). */
export function* mt940Parts(targetBytes: number, options: GenerateOptions = {}): Generator<string> {
  let size = 0
  let statement = 0
  let balance = 100_000_000n
  while (size < targetBytes) {
    statement++
    const { text, closing } = mt940Statement(statement, balance, options.varied === true)
    balance = closing
    size += text.length
    yield text
  }
}

/** A camt.053.001.08 file of about `targetBytes`: statements of 200 entries with one TxDtls each. */
export function generateCamt053(targetBytes: number, options: GenerateOptions = {}): string {
  const varied = options.varied === true
  const p = varied ? 'c:' : ''
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n${varied ? '<!-- generated -->\n' : ''}<${p}Document xmlns${varied ? ':c' : ''}="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n<${p}BkToCstmrStmt>\n<${p}GrpHdr><${p}MsgId>BENCH</${p}MsgId><${p}CreDtTm>2024-03-01T18:00:00+01:00</${p}CreDtTm></${p}GrpHdr>\n`
  const parts: string[] = [head]
  let size = head.length
  let statement = 0
  const tag = (name: string, content: string) => `<${p}${name}>${content}</${p}${name}>`
  while (size < targetBytes) {
    statement++
    const entries: string[] = []
    let sum = 0n
    for (let i = 0; i < 200; i++) {
      const cents = BigInt(1 + ((statement * 7919 + i * 104729) % 500_000))
      const credit = i % 3 !== 0
      sum += credit ? cents : -cents
      const amount = decimal(cents, '.')
      const side = credit ? 'Dbtr' : 'Cdtr'
      const name = varied && i % 7 === 0 ? 'Müller &amp; Söhne GmbH' : 'Muster GmbH'
      const remittance = varied && i % 11 === 0 ? `<![CDATA[Rechnung ${statement}/${i} <Kundennummer> 4711]]>` : `Rechnung ${statement}/${i} Kundennummer 4711`
      entries.push(`<${p}Ntry>
  <${p}Amt Ccy="EUR">${amount}</${p}Amt>${tag('CdtDbtInd', credit ? 'CRDT' : 'DBIT')}${tag('Sts', tag('Cd', 'BOOK'))}
  ${tag('BookgDt', tag('Dt', '2024-03-01'))}${tag('ValDt', tag('Dt', '2024-03-01'))}${tag('AcctSvcrRef', `B${pad(statement, 6)}${pad(i, 6)}`)}
  ${tag('BkTxCd', tag('Domn', tag('Cd', 'PMNT') + tag('Fmly', tag('Cd', 'RCDT') + tag('SubFmlyCd', 'ESCT'))))}
  <${p}NtryDtls><${p}TxDtls>
    ${tag('Refs', tag('InstrId', `REF${pad(i, 6)}`) + tag('EndToEndId', `E2E-${statement}-${i}`))}
    <${p}Amt Ccy="EUR">${amount}</${p}Amt>${tag('CdtDbtInd', credit ? 'CRDT' : 'DBIT')}
    ${tag('RltdPties', tag(side, tag('Pty', tag('Nm', name))) + tag(`${side}Acct`, tag('Id', tag('IBAN', 'DE02120300000000202051'))))}
    ${tag('RltdAgts', tag(`${side}Agt`, tag('FinInstnId', tag('BICFI', 'COBADEFFXXX'))))}
    ${tag('RmtInf', tag('Ustrd', remittance))}
  </${p}TxDtls></${p}NtryDtls>
</${p}Ntry>`)
    }
    const opening = 100_000_000n
    const closing = opening + sum
    const bal = (code: string, value: bigint) =>
      tag('Bal', tag('Tp', tag('CdOrPrtry', tag('Cd', code))) + `<${p}Amt Ccy="EUR">${decimal(value, '.')}</${p}Amt>` + tag('CdtDbtInd', value < 0n ? 'DBIT' : 'CRDT') + tag('Dt', tag('Dt', '2024-03-01')))
    const text = `<${p}Stmt>\n${tag('Id', `STMT-${statement}`)}${tag('ElctrncSeqNb', String(statement))}${tag('CreDtTm', '2024-03-01T18:00:00+01:00')}\n${tag('Acct', tag('Id', tag('IBAN', 'DE89370400440532013000')) + tag('Ccy', 'EUR'))}\n${bal('OPBD', opening)}\n${bal('CLBD', closing)}\n${entries.join('\n')}\n</${p}Stmt>\n`
    parts.push(text)
    size += text.length
  }
  parts.push(`</${p}BkToCstmrStmt>\n</${p}Document>\n`)
  return parts.join('')
}

/** A BAI2 file of about `targetBytes`: accounts of 100 details (16 + 88 continuation), trailers that add up. */
export function generateBai2(targetBytes: number): string {
  const records: string[] = ['01,BANK,CUSTOMER,240301,0800,1,,,2/', '02,CUSTOMER,BANK,1,240301,,USD,2/']
  let size = 0
  let account = 0
  let groupTotal = 0n
  let groupRecords = 1
  let fileRecords = 2
  while (size < targetBytes) {
    account++
    const opening = 100_000_00n + BigInt(account)
    let total = opening
    const lines = [`03,${pad(account, 10)},USD,010,${opening},,,015,CLOSING,,/`]
    let closing = opening
    for (let i = 0; i < 100; i++) {
      const cents = BigInt(1 + ((account * 7919 + i * 104729) % 500_000))
      const credit = i % 3 !== 0
      closing += credit ? cents : -cents
      total += cents
      lines.push(`16,${credit ? '195' : '495'},${cents},0,REF${pad(i, 6)},CUST${pad(i, 6)},Payment ${account}/${i} from`, `88,Muster GmbH Beispielstrasse 1/`)
    }
    total += closing
    lines[0] = lines[0]!.replace('CLOSING', String(closing))
    lines.push(`49,${total},${lines.length + 1}/`)
    groupTotal += total
    groupRecords += lines.length
    fileRecords += lines.length
    const text = lines.join('\n')
    records.push(text)
    size += text.length
  }
  records.push(`98,${groupTotal},${account},${groupRecords + 1}/`, `99,${groupTotal},1,${fileRecords + 2}/`)
  return `${records.join('\n')}\n`
}
