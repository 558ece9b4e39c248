import { fileURLToPath } from 'node:url'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

const api = 'http://127.0.0.1:3000'

/**
 * Lets the browser fetch the landing route's code (the overview and what it imports) together
 * with the entry instead of after it: without this, the route's chunk is only requested once the
 * entry has run and the router has matched — a waterfall on the first view's critical path.
 */
function preloadLandingRoute(routeModule: string): Plugin {
  return {
    name: 'treasury:preload-landing-route',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle
        if (!bundle) return html
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []))
        const route = chunks.find((c) => c.facadeModuleId?.endsWith(routeModule))
        if (!route) throw new Error(`preloadLandingRoute: no chunk for ${routeModule}`)
        const files = new Set<string>()
        const css = new Set<string>()
        const walk = (file: string) => {
          const chunk = bundle[file]
          if (files.has(file) || !chunk || chunk.type !== 'chunk') return
          files.add(file)
          for (const sheet of chunk.viteMetadata?.importedCss ?? []) css.add(sheet)
          for (const dep of chunk.imports) walk(dep)
        }
        walk(route.fileName)
        return [
          ...[...files].filter((f) => !html.includes(f)).map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const })),
          ...[...css].filter((f) => !html.includes(f)).map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', href: `/${f}` }, injectTo: 'head' as const })),
        ]
      },
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    // Precompiles the message dictionaries, so the app ships vue-i18n's runtime without its compiler.
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/i18n/{zh-CN,en}.ts', import.meta.url))],
      runtimeOnly: true,
      dropMessageCompiler: true,
      strictMessage: false,
      escapeHtml: false,
    }),
    // Element Plus on demand: each view pulls in only the components (and their CSS) it uses,
    // which is what keeps the first view under its JavaScript budget (docs/PERFORMANCE.md).
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: 'src/components.d.ts',
      dirs: [],
    }),
    preloadLandingRoute('/src/views/overview/OverviewView.vue'),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: { '/trpc': api, '/healthz': api },
  },
  preview: {
    proxy: { '/trpc': api, '/healthz': api },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The per-route chunks are the point; report compressed sizes so regressions show in the build log.
    reportCompressedSize: true,
    chunkSizeWarningLimit: 700,
    // Read by the first-view benchmark (tests/e2e/bench-first-view.ts) to know each route's chunks.
    manifest: true,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'happy-dom',
  },
})
