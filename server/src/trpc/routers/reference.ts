import { listBanks, listEntities } from '../../db/queries/entities.js'
import { router, scopedProcedure } from '../init.js'

/** Master data the client needs to label figures: banks and the member companies in scope. */
export const referenceRouter = router({
  banks: scopedProcedure.query(async ({ ctx }) =>
    (await listBanks(ctx.db)).map((b) => ({ id: b.id, nameZh: b.name_zh, nameEn: b.name_en, bic: b.bic, country: b.country })),
  ),
  entities: scopedProcedure.query(async ({ ctx }) =>
    (await listEntities(ctx.db, ctx.scope)).map((e) => ({
      id: e.id,
      parentId: e.parent_id,
      code: e.code,
      nameZh: e.name_zh,
      nameEn: e.name_en,
      depth: e.depth,
      region: { code: e.region_code, country: e.region_country, nameZh: e.region_name_zh, nameEn: e.region_name_en },
      functionalCurrency: e.functional_currency,
    })),
  ),
})
