// The little state the whole app shares: who is working, which project is open, and a
// counter bumped after every change so that open screens reload.
import { reactive } from 'vue'
import { api, type T } from './ipc/api'
import { members } from './ipc/members'

export const store = reactive({
  app: null as T.AppState | null,
  project: null as T.Project | null,
  changes: 0,
  /** The background check at start (Health): damage is shown on every screen. */
  health: null as T.Health | null,
  /** The district hub's last background round (App.vue asks; the core decides when one is due). */
  hubRound: null as T.HubRound | null,
  /** What this laptop may do in the open project (the core's answer; null while unknown). */
  caps: null as T.Capabilities | null,
})

/** Asks the core what this laptop may do in the open project (App.vue: on opening it and
 *  after every change, since an admission or revocation may have arrived). */
export async function loadCaps() {
  const id = store.project?.id
  if (!id) return
  try {
    const caps = await members.capabilities(id)
    if (store.project?.id === id) store.caps = caps
  } catch {
    // unknown: every action stays enabled and the core judges each write, as before
  }
}

export async function loadApp() {
  store.app = await api.appState()
  const saved = localStorage.getItem('jingdi.project')
  const ps = store.app.projects
  store.project = ps.find((p) => p.id === saved) ?? ps[0] ?? null
}

export function openProject(p: T.Project) {
  if (store.project?.id !== p.id) store.caps = null
  store.project = p
  localStorage.setItem('jingdi.project', p.id)
}

export function changed() {
  store.changes++
}

export function projectId(): string {
  if (!store.project) throw new Error('no project open')
  return store.project.id
}
