import { describe, expect, it } from 'vitest'
import { balanceHistoryOption, breakdownOption, sharePercent, tickLabel, trendOption, type ChartLook } from './options'

const look: ChartLook = { locale: 'en', elderly: false, dark: false }
type Fn = (params: unknown) => string

describe('sharePercent', () => {
  it('computes shares on bigints with one decimal, rounded', () => {
    expect(sharePercent(1n, 3n)).toBe('33.3%')
    expect(sharePercent(2n, 3n)).toBe('66.7%')
    expect(sharePercent(0n, 0n)).toBe('—')
    // Far beyond 2^53: still exact.
    expect(sharePercent(123_456_789_012_345_678n, 246_913_578_024_691_356n)).toBe('50.0%')
  })
})

describe('breakdownOption', () => {
  const rows = [
    { key: 'b1', label: 'ICBC', amount: 150_000_00n, accounts: 3 },
    { key: 'b2', label: 'HSBC', amount: 50_000_00n, accounts: 1 },
  ]

  it('draws largest first (top-down) and labels each bar from the bigint', () => {
    const option = breakdownOption(rows, 'CNY', look, 'By bank')
    const yAxis = option.yAxis as { data: string[] }
    expect(yAxis.data).toEqual(['HSBC', 'ICBC']) // category axes draw bottom-up
    const series = (option.series as { data: { value: number }[]; label: { formatter: Fn } }[])[0]!
    expect(series.data.map((d) => d.value)).toEqual([5_000_000, 15_000_000])
    expect(series.label.formatter({ dataIndex: 1 })).toBe('CN¥150K  75.0%')
  })

  it('puts the exact amount and share in the tooltip', () => {
    const option = breakdownOption(rows, 'CNY', look, 'By bank')
    const tooltip = (option.tooltip as { formatter: Fn }).formatter({ dataIndex: 0 })
    expect(tooltip).toContain('HSBC')
    expect(tooltip).toContain('¥50,000.00')
    expect(tooltip).toContain('25.0%')
  })

  it('turns on decal patterns only in 适老模式', () => {
    expect((breakdownOption(rows, 'CNY', look, 'x').aria as { decal: { show: boolean } }).decal.show).toBe(false)
    expect((breakdownOption(rows, 'CNY', { ...look, elderly: true }, 'x').aria as { decal: { show: boolean } }).decal.show).toBe(true)
  })

  it('escapes labels in HTML tooltips', () => {
    const option = breakdownOption([{ key: 'x', label: '<b>A&B</b>', amount: 1n, accounts: 1 }], 'CNY', look, 't')
    expect((option.tooltip as { formatter: Fn }).formatter({ dataIndex: 0 })).toContain('&lt;b&gt;A&amp;B&lt;/b&gt;')
  })
})

describe('trendOption', () => {
  const points = [
    { date: '2026-11-26', closing: 1_000_000_00n, inflow: 20_000_00n, outflow: 5_000_00n },
    { date: '2026-11-27', closing: 1_015_000_00n, inflow: 0n, outflow: 0n, interim: true },
  ]
  const labels = { closing: 'Closing', interim: 'interim, day not closed', inflow: 'In', outflow: 'Out' }

  it('has the closing line over inflow bars and outflow bars drawn below zero', () => {
    const option = trendOption(points, 'USD', look, labels)
    const series = option.series as { type: string; name: string; data: number[] }[]
    expect(series.map((s) => [s.type, s.name])).toEqual([
      ['bar', 'In'],
      ['bar', 'Out'],
      ['line', 'Closing'],
    ])
    expect(series[1]!.data[0]).toBe(-500_000)
    expect((option.xAxis as { data: string[] }).data).toEqual(['2026-11-26', '2026-11-27'])
  })

  it('tooltips read the bigint amounts of the day', () => {
    const option = trendOption(points, 'USD', look, labels)
    const text = (option.tooltip as { formatter: Fn }).formatter([{ dataIndex: 0 }])
    expect(text).toContain('2026-11-26')
    expect(text).toContain('$1,000,000.00')
    expect(text).toContain('▲ In: $20,000.00')
    expect(text).toContain('▼ Out: $5,000.00')
    expect(text).not.toContain('interim')
    // Today's point is an interim balance, and says so.
    expect((option.tooltip as { formatter: Fn }).formatter([{ dataIndex: 1 }])).toContain('Closing (interim, day not closed): $1,015,000.00')
  })
})

describe('balanceHistoryOption', () => {
  it('keeps missing days as gaps and adds the available line only when there is one', () => {
    const withAvailable = balanceHistoryOption(
      [
        { date: '2026-11-26', booked: 100n, available: 90n },
        { date: '2026-11-27', booked: null, available: null },
      ],
      'EUR',
      look,
      { booked: 'Booked', available: 'Available' },
    )
    const series = withAvailable.series as { data: (number | null)[]; lineStyle: { type?: string } }[]
    expect(series).toHaveLength(2)
    expect(series[0]!.data).toEqual([100, null])
    expect(series[1]!.lineStyle.type).toBe('dashed') // told apart by dash, not colour alone
    const bookedOnly = balanceHistoryOption([{ date: '2026-11-27', booked: 1n, available: null }], 'EUR', look, { booked: 'B', available: 'A' })
    expect(bookedOnly.series as unknown[]).toHaveLength(1)
  })
})

describe('tickLabel', () => {
  it('formats axis ticks (minor units) compactly in the person’s language', () => {
    expect(tickLabel(150_000_000_00, 'CNY', 'en')).toBe('CN¥150M')
    expect(tickLabel(150_000_000_00, 'CNY', 'zh-CN')).toBe('¥1.5亿')
  })
})
