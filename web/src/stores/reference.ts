import { defineStore } from 'pinia'
import { computed } from 'vue'
import type { BankRef, EntityRef } from '@/api/client'
import { fetchBanks, fetchEntities } from '@/api/queries'
import { createResource } from './resource'
import { useSettingsStore } from './settings'

/** Master data that labels figures: banks and member companies (loaded once per visit). */
export const useReferenceStore = defineStore('reference', () => {
  const settings = useSettingsStore()
  const banks = createResource(fetchBanks, { maxAgeMs: Infinity })
  const entities = createResource(fetchEntities, { maxAgeMs: Infinity })

  const bankById = computed(() => new Map<string, BankRef>((banks.data.value ?? []).map((b) => [b.id, b])))
  const entityById = computed(() => new Map<string, EntityRef>((entities.data.value ?? []).map((e) => [e.id, e])))
  const childrenOf = computed(() => {
    const map = new Map<string | null, EntityRef[]>()
    for (const e of entities.data.value ?? []) {
      const list = map.get(e.parentId) ?? []
      list.push(e)
      map.set(e.parentId, list)
    }
    return map
  })

  /** The group itself: the root of the tree. */
  const group = computed(() => (entities.data.value ?? []).find((e) => e.parentId === null) ?? null)
  const groupName = computed(() => (group.value ? entityLabel(group.value) : null))

  function entityLabel(e: Pick<EntityRef, 'nameZh' | 'nameEn'>): string {
    return settings.locale === 'en' ? e.nameEn : e.nameZh
  }

  function bankName(id: string): string {
    const bank = bankById.value.get(id)
    return bank ? (settings.locale === 'en' ? bank.nameEn : bank.nameZh) : id
  }

  function entityName(id: string): string {
    const entity = entityById.value.get(id)
    return entity ? entityLabel(entity) : id
  }

  /** The member company and all below it (null id → null, meaning everything). */
  function subtree(id: string | undefined): Set<string> | null {
    if (!id) return null
    const out = new Set<string>([id])
    const stack = [id]
    while (stack.length) for (const child of childrenOf.value.get(stack.pop()!) ?? []) if (!out.has(child.id)) out.add(child.id), stack.push(child.id)
    return out
  }

  /** From the group down to `id`, for breadcrumbs. */
  function pathTo(id: string): EntityRef[] {
    const path: EntityRef[] = []
    let current = entityById.value.get(id)
    while (current) {
      path.unshift(current)
      current = current.parentId ? entityById.value.get(current.parentId) : undefined
    }
    return path
  }

  async function ensure() {
    await Promise.all([banks.load(undefined), entities.load(undefined)])
  }

  return { banks, entities, bankById, entityById, group, groupName, bankName, entityName, entityLabel, subtree, pathTo, ensure }
})
