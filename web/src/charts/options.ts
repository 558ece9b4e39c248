import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type { AriaComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import { formatMoney, type Locale } from '@treasury/shared/money'

/**
 * Pure option builders: data in, ECharts option out, no Vue and no ECharts runtime, so they are
 * unit-tested as plain objects. Money stays bigint; a series value is `Number(minor units)` for
 * geometry only, and every label and tooltip is formatted from the original bigint.
 */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | AriaComponentOption
>

export interface ChartLook {
  locale: Locale
  /** 适老模式: larger text, thicker lines, patterns (decals) so no series is told apart by colour alone. */
  elderly: boolean
  dark: boolean
}

/** Colour-blind-safe palette (Okabe–Ito order, deepened for contrast on white). */
export const PALETTE = ['#1f5fbf', '#d55e00', '#009e73', '#cc79a7', '#b58900', '#56b4e9', '#6b4fa0', '#7a7a7a', '#0072b2', '#e69f00']
const INFLOW = '#0f8a5f'
const OUTFLOW = '#c2410c'

/** Chart geometry from minor units (never used for a label). */
export function geometry(amount: bigint): number {
  return Number(amount)
}

/** Axis tick (a geometry value in minor units) as a compact money label. */
export function tickLabel(value: number, currency: string, locale: Locale): string {
  return formatMoney(BigInt(Math.round(value)), currency, locale, { compact: true })
}

/** Share of a part in a whole as "12.3%", computed on bigints (no float rounding of money). */
export function sharePercent(part: bigint, whole: bigint): string {
  if (whole === 0n) return '—'
  const basisPoints = (part * 100_000n) / whole // thousandths of a percent
  const sign = basisPoints < 0n ? '-' : ''
  const abs = basisPoints < 0n ? -basisPoints : basisPoints
  const tenths = (abs + 50n) / 100n // round to one decimal of a percent
  return `${sign}${tenths / 10n}.${tenths % 10n}%`
}

/**
 * The page's font stack (--tc-font in styles/main.css). Charts draw on a canvas, where a font
 * cannot `inherit`: an invalid family makes the canvas keep its default 10px font, so labels
 * would ignore the size asked for (and stay small in 适老模式).
 */
const CHART_FONT_FAMILY =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', system-ui, sans-serif"

function textStyle(look: ChartLook) {
  return {
    fontSize: look.elderly ? 16 : 12,
    color: look.dark ? '#e5e7eb' : look.elderly ? '#000000' : '#374151',
    fontFamily: CHART_FONT_FAMILY,
  }
}

/**
 * No entry animation: a chart appears drawn at once (sooner, and calmer to read); changes to a
 * drawn chart (another currency, grouping or company) still move to their new values.
 */
const ANIMATION = { animationDuration: 0, animationDurationUpdate: 200 } as const

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

function tooltipBase(look: ChartLook): TooltipComponentOption {
  return {
    confine: true,
    textStyle: { fontSize: look.elderly ? 16 : 13 },
    backgroundColor: look.dark ? '#1f2937' : '#ffffff',
    borderColor: look.dark ? '#4b5563' : '#d1d5db',
    extraCssText: 'font-variant-numeric: tabular-nums; box-shadow: 0 4px 14px rgba(0,0,0,.12);',
  }
}

function aria(look: ChartLook, description: string): AriaComponentOption {
  return { enabled: true, label: { enabled: true, description }, decal: { show: look.elderly } }
}

export interface BreakdownRow {
  key: string
  /** Display label already in the person's language. */
  label: string
  amount: bigint
  accounts: number
}

/**
 * Horizontal bars, largest first, each labelled with its amount and share (the label, not the
 * colour, carries the information).
 *
 * @example
 * breakdownOption([{ key: 'bnk_icbc', label: 'ICBC', amount: 1200n, accounts: 3 }], 'CNY', look, 'By bank')
 */
export function breakdownOption(rows: readonly BreakdownRow[], currency: string, look: ChartLook, title: string): ChartOption {
  const total = rows.reduce((sum, r) => sum + r.amount, 0n)
  // Bars read top-down largest first: ECharts draws category axes bottom-up, so reverse.
  const ordered = [...rows].reverse()
  const text = textStyle(look)
  return {
    ...ANIMATION,
    // The panel draws the background (the dark theme would paint its own).
    backgroundColor: 'transparent',
    aria: aria(look, `${title}: ${rows.map((r) => `${r.label} ${formatMoney(r.amount, currency, look.locale)}`).join('; ')}`),
    textStyle: text,
    grid: { left: 8, right: look.elderly ? 150 : 120, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(look),
      trigger: 'item',
      formatter: (params: unknown) => {
        const p = params as { dataIndex: number }
        const row = ordered[p.dataIndex]!
        return `<strong>${escapeHtml(row.label)}</strong><br/>${escapeHtml(formatMoney(row.amount, currency, look.locale))}` +
          ` · ${sharePercent(row.amount, total)}<br/>${row.accounts} ${look.locale === 'en' ? 'accounts' : '个账户'}`
      },
    },
    // Each bar carries its own amount label, so the value axis needs no tick labels.
    xAxis: {
      type: 'value',
      axisLabel: { show: false },
      splitLine: { lineStyle: { color: look.dark ? '#374151' : '#e5e7eb' } },
    },
    yAxis: {
      type: 'category',
      data: ordered.map((r) => r.label),
      axisLabel: { ...text, width: look.elderly ? 180 : 140, overflow: 'truncate' },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        name: title,
        data: ordered.map((r, i) => ({
          value: geometry(r.amount),
          itemStyle: { color: PALETTE[(ordered.length - 1 - i) % PALETTE.length] },
        })),
        barMaxWidth: look.elderly ? 30 : 22,
        label: {
          show: true,
          position: 'right',
          ...text,
          formatter: (params: unknown) => {
            const row = ordered[(params as { dataIndex: number }).dataIndex]!
            return `${formatMoney(row.amount, currency, look.locale, { compact: true })}  ${sharePercent(row.amount, total)}`
          },
        },
      },
    ],
  }
}

export interface TrendPointInput {
  date: string
  closing: bigint
  inflow: bigint
  outflow: bigint
  /** Today's point, from interim balances: the day has not closed yet. */
  interim?: boolean
}

export interface TrendLabels {
  closing: string
  /** Said of today's point when it is an interim balance. */
  interim: string
  inflow: string
  outflow: string
}

/**
 * The position trend: the closing balance as a line (left axis) over daily inflow and outflow bars
 * (right axis; outflow drawn below zero). Line and bars differ in shape, inflow and outflow in
 * direction and (in 适老模式) in pattern, so colour is never the only cue.
 */
export function trendOption(points: readonly TrendPointInput[], currency: string, look: ChartLook, labels: TrendLabels): ChartOption {
  const text = textStyle(look)
  const money = (v: bigint) => escapeHtml(formatMoney(v, currency, look.locale))
  const outflowOf = (p: TrendPointInput) => (p.outflow > 0n ? -p.outflow : p.outflow)
  return {
    ...ANIMATION,
    // The panel draws the background (the dark theme would paint its own).
    backgroundColor: 'transparent',
    aria: aria(look, `${labels.closing}: ${points.length} days`),
    textStyle: text,
    legend: { top: 0, textStyle: text, itemWidth: look.elderly ? 28 : 20, itemHeight: look.elderly ? 16 : 12 },
    grid: { left: 8, right: 8, top: look.elderly ? 44 : 36, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(look),
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const index = (params as { dataIndex: number }[])[0]?.dataIndex ?? 0
        const p = points[index]!
        const closing = p.interim ? `${escapeHtml(labels.closing)} (${escapeHtml(labels.interim)})` : escapeHtml(labels.closing)
        return `<strong>${p.date}</strong><br/>${closing}: ${money(p.closing)}` +
          `<br/>▲ ${escapeHtml(labels.inflow)}: ${money(p.inflow)}<br/>▼ ${escapeHtml(labels.outflow)}: ${money(p.outflow < 0n ? -p.outflow : p.outflow)}`
      },
    },
    xAxis: {
      type: 'category',
      data: points.map((p) => p.date),
      axisLabel: { ...text, formatter: (value: string) => value.slice(5) },
      axisTick: { alignWithLabel: true },
    },
    yAxis: [
      {
        type: 'value',
        scale: true,
        axisLabel: { ...text, formatter: (value: number) => tickLabel(value, currency, look.locale) },
        splitLine: { lineStyle: { color: look.dark ? '#374151' : '#e5e7eb' } },
      },
      {
        type: 'value',
        axisLabel: { ...text, formatter: (value: number) => tickLabel(value, currency, look.locale) },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        type: 'bar',
        name: labels.inflow,
        yAxisIndex: 1,
        stack: 'flow',
        data: points.map((p) => geometry(p.inflow)),
        itemStyle: { color: INFLOW, opacity: 0.55, ...(look.elderly ? { decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: 0 } } : {}) },
        barMaxWidth: 8,
      },
      {
        type: 'bar',
        name: labels.outflow,
        yAxisIndex: 1,
        stack: 'flow',
        data: points.map((p) => geometry(outflowOf(p))),
        itemStyle: { color: OUTFLOW, opacity: 0.55, ...(look.elderly ? { decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: Math.PI / 4 } } : {}) },
        barMaxWidth: 8,
      },
      {
        type: 'line',
        name: labels.closing,
        yAxisIndex: 0,
        data: points.map((p) => geometry(p.closing)),
        showSymbol: false,
        smooth: false,
        lineStyle: { width: look.elderly ? 4 : 2.5, color: PALETTE[0] },
        itemStyle: { color: PALETTE[0] },
        areaStyle: { opacity: look.dark ? 0.12 : 0.08, color: PALETTE[0] },
        z: 3,
      },
    ],
  }
}

export interface BalanceHistoryPoint {
  date: string
  booked: bigint | null
  available: bigint | null
}

/** One account's booked (solid) and available (dashed) balance by day; gaps stay gaps. */
export function balanceHistoryOption(
  points: readonly BalanceHistoryPoint[],
  currency: string,
  look: ChartLook,
  labels: { booked: string; available: string },
): ChartOption {
  const text = textStyle(look)
  const hasAvailable = points.some((p) => p.available !== null)
  return {
    ...ANIMATION,
    // The panel draws the background (the dark theme would paint its own).
    backgroundColor: 'transparent',
    aria: aria(look, `${labels.booked}: ${points.length} days`),
    textStyle: text,
    legend: { top: 0, textStyle: text },
    grid: { left: 8, right: 16, top: look.elderly ? 44 : 36, bottom: 8, containLabel: true },
    tooltip: {
      ...tooltipBase(look),
      trigger: 'axis',
      formatter: (params: unknown) => {
        const index = (params as { dataIndex: number }[])[0]?.dataIndex ?? 0
        const p = points[index]!
        const show = (v: bigint | null) => (v === null ? '—' : escapeHtml(formatMoney(v, currency, look.locale)))
        return `<strong>${p.date}</strong><br/>${escapeHtml(labels.booked)}: ${show(p.booked)}` +
          (hasAvailable ? `<br/>${escapeHtml(labels.available)}: ${show(p.available)}` : '')
      },
    },
    xAxis: { type: 'category', data: points.map((p) => p.date), axisLabel: { ...text, formatter: (v: string) => v.slice(5) } },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { ...text, formatter: (value: number) => tickLabel(value, currency, look.locale) },
      splitLine: { lineStyle: { color: look.dark ? '#374151' : '#e5e7eb' } },
    },
    series: [
      {
        type: 'line',
        name: labels.booked,
        data: points.map((p) => (p.booked === null ? null : geometry(p.booked))),
        showSymbol: look.elderly,
        symbol: 'circle',
        lineStyle: { width: look.elderly ? 4 : 2.5, color: PALETTE[0] },
        itemStyle: { color: PALETTE[0] },
      },
      ...(hasAvailable
        ? [
            {
              type: 'line' as const,
              name: labels.available,
              data: points.map((p) => (p.available === null ? null : geometry(p.available))),
              showSymbol: look.elderly,
              symbol: 'triangle',
              lineStyle: { width: look.elderly ? 3 : 2, type: 'dashed' as const, color: PALETTE[2] },
              itemStyle: { color: PALETTE[2] },
            },
          ]
        : []),
    ],
  }
}
