// The plot map: the map at a date, the pace, importing geometry and printing the map
// (src-tauri/src/map.rs → jingdi::desk map calls). Paths come from the native dialogs.
import { open, save } from './dialog'
import { call } from './call'
import type * as T from './bindings'

export const map = {
  view: (input: T.MapQuery) => call<T.MapView>('map_view', { input }),
  pace: (project: string) => call<T.Pace>('pace', { project }),
  preview: (project: string, path: string, options: T.MapImportOptions) => call<T.MapPreview>('map_preview', { project, path, options }),
  import: (project: string, path: string, options: T.MapImportOptions) => call<T.MapImportReport>('map_import', { project, path, options }),
  export: (input: T.MapQuery, path: string) => call<T.MapExport>('map_export', { input, path }),
  chooseFile: async (): Promise<string | null> => {
    const r = await open({
      multiple: false,
      directory: false,
      filters: [{ name: 'GeoJSON / Shapefile', extensions: ['geojson', 'json', 'shp'] }],
    })
    return typeof r === 'string' ? r : null
  },
  chooseTarget: async (defaultPath: string, format: T.MapFormat): Promise<string | null> => {
    const names: Record<T.MapFormat, string> = { png: 'PNG 图片', pdf: 'PDF 文档', docx: 'Word 文档', svg: 'SVG 图形' }
    return await save({ defaultPath, filters: [{ name: names[format], extensions: [format] }] })
  },
}
