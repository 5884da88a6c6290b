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
  /** The dashboard's first figures are on screen (or 3 s have passed): work at start that is
   *  not urgent (the pace, the fairness check, the file's quick check and the day's backup)
   *  waits for it rather than compete with the first paint for the two cores of an office
   *  laptop (on a district's 1.1 GB file the quick check alone reads it all, about a second). */
  figuresShown: false,
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

/** The project list again, after a sync through which this laptop joined a plot. Only then,
 *  and the open project left as it is: replacing it on every change re-rendered open screens
 *  under the user (the attachment viewer lost its details in e2e/evidence.test.mjs). */
export async function refreshProjects() {
  store.app = await api.appState()
}

export function openProject(p: T.Project) {
  if (store.project?.id !== p.id) store.caps = null
  store.project = p
  localStorage.setItem('jingdi.project', p.id)
}

export function markFirstFigures() {
  store.figuresShown = true
}
// Another first screen, or figures that could not load: the waiting work starts anyway.
setTimeout(markFirstFigures, 3000)

/** The 同步 page's folder and bundle work. Kept here, not in the page, because a merge of a
 *  big bundle runs for seconds while the user goes elsewhere: coming back shows it still
 *  running, then what came in; the top bar says a sync is under way meanwhile. */
export const syncWork = reactive({
  busy: false,
  /** A folder sync is the work under way: it stops between two bundles when asked. */
  folder: false,
  error: null as T.WireError | null,
  reports: [] as T.SyncImportReport[],
  refused: [] as T.FolderReport['refused'],
  note: '',
})

export function changed() {
  store.changes++
}

export function projectId(): string {
  if (!store.project) throw new Error('no project open')
  return store.project.id
}
