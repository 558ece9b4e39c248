import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

const api = 'http://127.0.0.1:3000'

/**
 * Lets the browser fetch the app's code and the landing route's (the overview and what it imports)
 * together with the entry instead of after it. The entry only starts the first view's requests and
 * then imports the app, which matches the route and imports the view: without these links each
 * step would wait for the one before — a waterfall on the first view's critical path.
 */
function preloadFirstView(modules: string[]): Plugin {
  return {
    name: 'treasury:preload-first-view',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle
        if (!bundle) return html
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []))
        const files = new Set<string>()
        const css = new Set<string>()
        const walk = (file: string) => {
          const chunk = bundle[file]
          if (files.has(file) || !chunk || chunk.type !== 'chunk') return
          files.add(file)
          for (const sheet of chunk.viteMetadata?.importedCss ?? []) css.add(sheet)
          for (const dep of chunk.imports) walk(dep)
        }
        for (const module of modules) {
          const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(module))
          if (!chunk) throw new Error(`preloadFirstView: no chunk for ${module}`)
          walk(chunk.fileName)
        }
        return [
          ...[...files].filter((f) => !html.includes(f)).map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const })),
          // crossorigin like the stylesheet links Vite's loader adds, or the browser cannot use the preload and fetches the sheet again.
          ...[...css].filter((f) => !html.includes(f)).map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const })),
        ]
      },
    },
  }
}

/**
 * Writes a gzip copy next to each built script and style sheet (`x.js.gz`), which the server sends
 * as is to browsers that accept gzip instead of compressing the file again on every visit.
 */
function precompress(): Plugin {
  return {
    name: 'treasury:precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const file of Object.keys(bundle)) {
        if (!/\.(js|css)$/.test(file)) continue
        const target = path.join(options.dir!, file)
        writeFileSync(`${target}.gz`, gzipSync(readFileSync(target), { level: 9 }))
      }
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
    preloadFirstView(['/src/app.ts', '/src/views/overview/OverviewView.vue']),
    precompress(),
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
