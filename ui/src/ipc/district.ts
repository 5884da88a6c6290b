// 全区总览 (src-tauri/src/office.rs → jingdi::report::district, jingdi::office::export_district).
import { save } from './dialog'
import { call } from './call'
import type * as T from './bindings'

export const district = {
  overview: () => call<T.DistrictOverview>('district_overview', {}),
  export: (path: string) => call<T.DistrictExport>('district_export', { path }),
  chooseTarget: (defaultPath: string) => save({ defaultPath, filters: [{ name: 'Excel 工作簿', extensions: ['xlsx'] }] }),
}
