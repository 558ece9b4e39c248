/**
 * The one place ECharts modules are registered. Only what the dashboard draws is pulled in
 * (bar and line on a canvas, with grid, tooltip, legend and aria decals for 适老模式),
 * which keeps ECharts' share of the first view small. Views pass plain options from ./options.ts.
 */
import { BarChart, LineChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendPlainComponent, TooltipComponent } from 'echarts/components'
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import VChart from 'vue-echarts'

use([CanvasRenderer, BarChart, LineChart, GridComponent, TooltipComponent, LegendPlainComponent, AriaComponent])

export { VChart }
