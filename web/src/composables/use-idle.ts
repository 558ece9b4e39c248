import { computed, ref } from 'vue'
import { interactive } from '@/first-view'

/**
 * True once the first view is drawn and the browser is idle, or as soon as `now()` is called.
 * Used to fetch code that the first view does not need to draw, like the date picker's, without
 * competing with the first view for the network and the main thread.
 */
export function useIdle() {
  const forced = ref(false)
  const ready = computed(() => interactive.value || forced.value)
  return { ready, now: () => (forced.value = true) }
}
