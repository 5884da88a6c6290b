// 已保存 with a 撤销 link, after an edit that can be taken back (a household fact, a
// checklist tick, a pole's status). Whether it still can is the core's call when the link is
// clicked: it refuses, saying why, once anything was written about the record since.
import { h } from 'vue'
import { ElMessage } from 'element-plus'
import { api, toWireError } from '../ipc/api'
import { changed } from '../store'
import { readable } from './fielderr'

type T = (key: string) => string

export function savedWithUndo(t: T, record: string) {
  const shown = ElMessage({
    type: 'success',
    duration: 8000,
    showClose: true,
    message: h('span', { class: 'saved-undo', 'data-testid': 'saved-undo' }, [
      t('field.saved'),
      ' · ',
      h(
        'a',
        {
          class: 'undo-link',
          href: '#',
          'data-testid': 'undo',
          onClick: async (e: Event) => {
            e.preventDefault()
            shown.close()
            try {
              await api.undoLast(record)
              ElMessage.success(t('field.undone'))
              changed()
            } catch (err) {
              ElMessage.error({ message: readable(toWireError(err)), duration: 8000, showClose: true })
            }
          },
        },
        t('field.undo'),
      ),
    ]),
  })
}
