import type { StatementFormat } from '@treasury/shared'

/**
 * Guesses the format of decoded statement text from its first bytes and markers; undefined when it
 * looks like none. camt versions are told apart by the namespace (camt.05x.001.NN), never by a
 * fixed version; MT942 by its :34F:/:13D: fields or a {2:O942} header.
 *
 * @example
 * detectFormat('01,CITIDIRECT,8888888,150716,0713,00131100,,,2/') // 'bai2'
 */
export function detectFormat(text: string): StatementFormat | undefined {
  // Framing controls (SOH/ETX, Ctrl-Z, NUL) say nothing about the format.
  const start = text.slice(0, 1 << 16).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]/g, '')
  const head = start.slice(0, 4096).trimStart()
  if (head.startsWith('<')) return detectCamt(text)
  if (/^01,/.test(head)) return 'bai2'
  if (/(^|[\n\r])\s*:20:/.test(start) || /\{4:\s*:20:/.test(head)) {
    if (/\{2:[IO]942/.test(head) || /(^|[\n\r]):(34F|13D):/.test(start)) return 'mt942'
    return 'mt940'
  }
  return undefined
}

/** camt.052/053/054 from the Document namespace or, lacking one, from the message element name. */
export function detectCamt(text: string): 'camt052' | 'camt053' | 'camt054' | undefined {
  const head = text.slice(0, 1 << 16)
  const ns = /camt\.05([234])\.001\.\d\d/.exec(head)
  if (ns) return `camt05${ns[1]}` as 'camt052' | 'camt053' | 'camt054'
  if (/<(\w+:)?BkToCstmrStmt[\s>]/.test(head)) return 'camt053'
  if (/<(\w+:)?BkToCstmrAcctRpt(V01)?[\s>]/.test(head)) return 'camt052'
  if (/<(\w+:)?BkToCstmrDbtCdtNtfctn(V01)?[\s>]/.test(head)) return 'camt054'
  return undefined
}
