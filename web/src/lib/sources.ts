/**
 * Where a figure came from, for people. Sources are stored as the connector that delivered the
 * figure (`icbc-cmp`, `boc-mt940`, …) or as `import:<format>` for an uploaded statement. A connector
 * may serve several banks (the 银企直联 one serves most Chinese banks), so its id alone reads as the
 * wrong bank: with the account's bank it says which bank, and through what.
 *
 * @example
 * describeSource('icbc-cmp', '中国建设银行', t)  // "中国建设银行（经 icbc-cmp）"
 * describeSource('import:camt053', null, t)       // "对账单导入（camt.053）"
 */
export function describeSource(source: string | null | undefined, bank: string | null | undefined, t: (key: string, values: Record<string, unknown>) => string): string {
  if (!source) return '—'
  if (source.startsWith('import:')) {
    const format = source.slice('import:'.length)
    return t('sources.import', { format: FORMAT_NAMES[format] ?? format })
  }
  return bank ? t('sources.connector', { bank, connector: source }) : source
}

/** Statement formats as banks write them. */
const FORMAT_NAMES: Record<string, string> = {
  mt940: 'MT940',
  mt942: 'MT942',
  camt052: 'camt.052',
  camt053: 'camt.053',
  camt054: 'camt.054',
  bai2: 'BAI2',
}
