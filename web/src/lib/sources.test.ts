import { describe, expect, it } from 'vitest'
import { describeSource } from './sources'

const t = (key: string, values: Record<string, unknown>) => `${key}:${JSON.stringify(values)}`

describe('describeSource', () => {
  it('names the bank a connector delivered for', () => {
    expect(describeSource('icbc-cmp', '中国建设银行', t)).toBe('sources.connector:{"bank":"中国建设银行","connector":"icbc-cmp"}')
  })

  it('names an uploaded statement by its format as banks write it', () => {
    expect(describeSource('import:camt053', '中国建设银行', t)).toBe('sources.import:{"format":"camt.053"}')
    expect(describeSource('import:mt940', null, t)).toBe('sources.import:{"format":"MT940"}')
    expect(describeSource('import:xyz', null, t)).toBe('sources.import:{"format":"xyz"}')
  })

  it('falls back to the stored source without a bank, and a dash without a source', () => {
    expect(describeSource('hsbc-ob', null, t)).toBe('hsbc-ob')
    expect(describeSource(null, 'HSBC', t)).toBe('—')
    expect(describeSource(undefined, null, t)).toBe('—')
  })
})
