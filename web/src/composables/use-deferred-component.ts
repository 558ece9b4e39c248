import { markRaw, shallowRef, watch, type Component, type ShallowRef } from 'vue'

/**
 * A component whose code loads once it is wanted, and which is there only once it has loaded:
 * until then the caller keeps its stand-in. (A `defineAsyncComponent` renders nothing while its
 * chunk downloads: the stand-in vanished and came back upgraded — the headline total and the top
 * bar's fields blinked out, and the page jumped, right after the first view was drawn.)
 *
 * @example
 * const useRichTooltip = deferredComponent(() => import('./RichTooltip.vue'))
 * // in setup:
 * const RichTooltip = useRichTooltip(() => interactive.value) // null until loaded
 */
export function deferredComponent<T extends Component>(load: () => Promise<{ default: T }>) {
  const component = shallowRef(null) as ShallowRef<T | null>
  let loading: Promise<void> | null = null
  const start = () => {
    loading ??= load().then(
      (module) => void (component.value = markRaw(module.default)),
      () => void (loading = null), // e.g. offline: the stand-in stays, and the next want tries again
    )
  }
  return (wanted: () => boolean): Readonly<ShallowRef<T | null>> => {
    watch(wanted, (yes) => yes && !component.value && start(), { immediate: true })
    return component
  }
}
