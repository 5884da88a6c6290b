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

/** The project list again after a change that brought a plot (a merge, a join). Only then:
 *  replacing the app state or the open project on every change made open screens re-render
 *  under the user (the attachment viewer lost its details in e2e/evidence.test.mjs). */
export async function refreshProjects() {
  const app = await api.appState()
  if (app.projects.length !== store.app?.projects.length) store.app = app
}

export function openProject(p: T.Project) {
  if (store.project?.id !== p.id) store.caps = null
  store.project = p
  localStorage.setItem('jingdi.project', p.id)
}

/** Resolved once the dashboard's first figures are on screen: work at start that is not
 *  urgent (the file's quick check, the day's backup) waits for it rather than compete with it
 *  for the two cores of an office laptop (on a district's 1.1 GB file the check alone reads
 *  it all, about a second). */
let figuresPainted = () => {}
export const firstFigures = new Promise<void>((done) => (figuresPainted = done))
export function markFirstFigures() {
  figuresPainted()
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
