import { ref } from 'vue'

/**
 * "The first view is drawn": the page the person opened shows all its data. Code that only
 * interaction needs (pickers, dialogs) waits for this before loading, and the benchmark reads the
 * performance mark `tc:first-view-drawn` to time it.
 */
let resolveDrawn: () => void = () => {}
export const firstViewDrawn = new Promise<void>((resolve) => (resolveDrawn = resolve))
let drawn = false

/** Marks the first view drawn (once), after the browser has painted the current state. */
export function markFirstViewDrawn(view: string): void {
  if (drawn) return
  drawn = true
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      performance.mark('tc:first-view-drawn', { detail: { view } })
      document.documentElement.dataset.firstView = 'drawn'
      resolveDrawn()
    }),
  )
}

// Never hold interaction code back for long, whatever happens to the first view's requests.
setTimeout(() => resolveDrawn(), 15_000)

/**
 * True once the first view is drawn and the browser has been idle: from then on, components may
 * fetch the code that only interaction needs (date and currency pickers, rich tooltips).
 */
export const interactive = ref(false)
void firstViewDrawn.then(() => {
  const go = () => (interactive.value = true)
  if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: 1000 })
  else setTimeout(go, 100)
})
