// A minimal WebDriver client over fetch, for tauri-driver (which hands the session to
// WebKitWebDriver). Only the classic protocol: WebKitWebDriver has no BiDi.
import { writeFile } from 'node:fs/promises'

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'
export const Keys = { ENTER: '\uE007', CONTROL: '\uE009', NULL: '\uE000', TAB: '\uE004', DOWN: '\uE015', UP: '\uE013', LEFT: '\uE012', RIGHT: '\uE014', BACKSPACE: '\uE003', HOME: '\uE011', END: '\uE010' }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Polls `read` until `ok(value)`; the error names what was awaited and the last value seen. */
export async function until(read, ok, what, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs
  let last
  for (;;) {
    last = await read()
    if (ok(last)) return last
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${String(last).slice(0, 300)})`)
    await sleep(200)
  }
}

export async function waitForDriver(base, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs
  for (;;) {
    try {
      const r = await fetch(`${base}/status`)
      if (r.ok) return
    } catch {}
    if (Date.now() > end) throw new Error(`WebDriver at ${base} did not come up`)
    await sleep(250)
  }
}

export class Session {
  constructor(base, id) {
    this.base = base
    this.id = id
  }

  static async create(base, application) {
    const r = await fetch(`${base}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application } } } }),
    })
    const j = await r.json()
    if (!r.ok) throw new Error(`session: ${JSON.stringify(j)}`)
    return new Session(base, j.value.sessionId)
  }

  async cmd(method, path, body) {
    const r = await fetch(`${this.base}/session/${this.id}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const j = await r.json()
    if (!r.ok) {
      const e = new Error(`${method} ${path}: ${j.value?.error}: ${j.value?.message}`)
      e.wd = j.value?.error
      throw e
    }
    return j.value
  }

  /** The element that has the keyboard focus. */
  async active() {
    return (await this.cmd('GET', '/element/active'))[ELEMENT]
  }
  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css })
    return v.map((e) => e[ELEMENT])
  }

  /** Waits until `css` matches (and `pred(text)` holds for its text, when given). */
  async waitFor(css, { timeout = 15000, text } = {}) {
    const end = Date.now() + timeout
    let last = ''
    for (;;) {
      try {
        const els = await this.findAll(css)
        for (const el of els) {
          if (!text) return el
          last = await this.text(el)
          if (typeof text === 'function' ? text(last) : last.includes(text)) return el
        }
      } catch (e) {
        if (e.wd !== 'stale element reference') throw e
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${css}${text ? ` with text (last: "${last}")` : ''}`)
      await sleep(150)
    }
  }

  /** Waits (at most 3 s) until the element holds still: the same box twice 60 ms apart and no
   *  enter/leave transition running anywhere on the page. A click is a press and a release at
   *  one point; a dialog still opening, or a form reflowing as a field loses focus, can move the
   *  button between the two, and the click is lost without an error (seen on loaded machines).
   *  A closing popper lives elsewhere in the page (teleported to body) yet can still lie over
   *  the button: WebDriver then refuses with "element click intercepted" (CI, 会商's 加决定
   *  under a select's fading dropdown), so any transition on the page counts. */
  async settle(el) {
    const started = Date.now()
    await this.exec(
      `const el = arguments[0]
       const box = () => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join() }
       const busy = '[class*="-enter-active"], [class*="-leave-active"]'
       const moving = () => !!document.querySelector(busy)
       return new Promise((done) => {
         const end = Date.now() + 3000
         let last = box()
         const check = () => {
           const now = box()
           if ((now === last && !moving()) || Date.now() > end) return done(true)
           last = now
           setTimeout(check, 60)
         }
         setTimeout(check, 60)
       })`,
      [{ [ELEMENT]: el }],
    )
    const took = Date.now() - started
    if (process.env.E2E_SETTLE_DEBUG) console.error(`settle ${took} ms`)
    return took
  }
  async click(el) {
    // A stale element is left to the click to report.
    await this.settle(el).catch(() => {})
    await this.cmd('POST', `/element/${el}/click`, {})
  }
  async type(el, text) {
    await this.cmd('POST', `/element/${el}/value`, { text })
  }
  async clear(el) {
    await this.cmd('POST', `/element/${el}/clear`, {})
  }
  async text(el) {
    return this.cmd('GET', `/element/${el}/text`)
  }
  async attr(el, name) {
    return this.cmd('GET', `/element/${el}/attribute/${name}`)
  }
  async exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args })
  }
  async clickCss(css, opts) {
    const el = await this.waitFor(css, opts)
    await this.click(el)
    return el
  }
  /** The data-value attribute of a key figure, as a number. */
  async value(css, opts) {
    return Number(await this.attr(await this.waitFor(css, opts), 'data-value'))
  }
  async screenshot(file) {
    const b64 = await this.cmd('GET', '/screenshot')
    await writeFile(file, Buffer.from(b64, 'base64'))
  }
  async delete() {
    try {
      await this.cmd('DELETE', '')
    } catch {}
  }
}
