// What the e2e files share: the environment scripts/e2e.sh sets, the demo database with an
// operator, and the page helpers (navigation, Element Plus fields and selects, overlays,
// screenshots, reading what the page shows). One place, so a fix to how a field is typed into
// or a table is read reaches every file.
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { Keys, until } from './webdriver.mjs'
import { jingdi } from './cli.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
export const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
export const DB = process.env.JINGDI_DB
export const SHOTS = path.join(here, 'screenshots')
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** The demo project and an operator in the test database: each file also runs on its own. */
export async function demoWithOperator() {
  assert.ok(DB, 'JINGDI_DB names the app database (scripts/e2e.sh sets it)')
  await mkdir(SHOTS, { recursive: true })
  jingdi(DB, ['demo'], { ok: false })
  if (!jingdi(DB, ['operator'], { json: true }).operator) jingdi(DB, ['operator', '陈组长'])
}

/** Forgets what the web view remembers between starts (language, folded sidebar, project,
 * board layout) and reloads: its storage lives in the user's data folder, not in $JINGDI_DB,
 * so a run that stopped half-way (English on, sidebar folded) would otherwise leak into the next. */
export async function forgetWebviewState(s) {
  await s.exec(`window.__jingdiForgotten = false; localStorage.clear(); setTimeout(() => location.reload(), 0)`)
  await until(
    () => s.exec(`return window.__jingdiForgotten === undefined && document.readyState === 'complete'`).catch(() => false),
    (v) => v === true,
    'the web view to reload',
  )
}

/**
 * Page helpers on the session `session()` returns (made in a file's before()); screenshots are
 * named `${prefix}${name}.png`.
 *
 * Text is read from the DOM, not with WebDriver's element text: WebKitWebDriver's displayedness
 * check takes an element with `overflow: hidden` whose children are only text for hidden (its
 * subtree-hidden-by-overflow test counts text nodes as hidden), and Element Plus puts every
 * table cell's text in such a `.cell`, so every el-table reads as empty. `shownAt` checks
 * what that test was for — the text is on screen and nothing covers it — by hit-testing.
 */
export function pageHelpers(session, { prefix = '' } = {}) {
  const h = {
    /** A screenshot after charts and transitions settle; `css` is scrolled to the top first. */
    async shot(name, css) {
      if (css) await session().exec(`document.querySelector(arguments[0])?.scrollIntoView({ block: 'start' })`, [css])
      await sleep(700)
      await session().screenshot(path.join(SHOTS, `${prefix}${name}.png`))
    },
    /** Opens a screen from the sidebar and waits for `ready`. */
    async go(screen, ready) {
      await session().clickCss(`[data-testid="nav-${screen}"]`)
      return session().waitFor(ready)
    },
    /** The text the page renders for the first match (innerText: no display:none content). */
    renderedText: (css) => session().exec(`return document.querySelector(arguments[0])?.innerText ?? ''`, [css]),
    textOf: (css) => session().exec(`return document.querySelector(arguments[0])?.textContent ?? ''`, [css]),
    waitForText: (css, text) => until(() => h.textOf(css), (t) => t.includes(text), `${text} in ${css}`),
    /** Waits until an element matching `css` whose text includes `text` is on screen and is what
     * a click at its centre would hit (not under an overlay, not scrolled or clipped away). */
    shownAt: (css, text) =>
      until(
        () =>
          session().exec(
            `const el = [...document.querySelectorAll(arguments[0])].find((e) => e.textContent.includes(arguments[1]));
             if (!el) return 'absent';
             const r = el.getBoundingClientRect();
             if (r.width === 0 || r.height === 0) return 'zero size';
             const x = r.left + r.width / 2, y = r.top + r.height / 2;
             if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return 'off screen';
             // Hit-testing honours overflow clipping, stacking and overlays.
             const top = document.elementFromPoint(x, y);
             return top && el.contains(top) ? 'shown' : 'covered by ' + (top?.className ?? 'nothing')`,
            [css, text],
          ),
        (v) => v === 'shown',
        `${text} shown in ${css}`,
      ),
    count: (css) => session().exec(`return document.querySelectorAll(arguments[0]).length`, [css]),
    /** Waits until no drawer, dialog or message box overlay covers the page. */
    overlaysGone: () =>
      until(
        () => session().exec(`return [...document.querySelectorAll('.el-overlay')].some((o) => getComputedStyle(o).display !== 'none')`),
        (open) => !open,
        'the overlays to close',
      ),
    /** Replaces what a field holds as a person does (End, Backspace over it, type): WebDriver's
     * clear does not fire the input event Vue listens to. */
    async typeIn(css, text) {
      const s = session()
      const value = () => s.exec(`return document.querySelector(arguments[0])?.value ?? ''`, [css])
      // Plain text is read back from the field and typed once more if it did not all arrive
      // (a keystroke lost on a loaded machine then shows here, not as a refusal later); text
      // with keys (Enter, Ctrl) acts beyond the value and is sent once.
      const plain = !/[\uE000-\uF8FF]/.test(text)
      for (let attempt = 1; ; attempt++) {
        const el = await s.waitFor(css)
        const old = await value()
        await s.click(el)
        await s.type(el, Keys.END + Keys.BACKSPACE.repeat(old.length) + text)
        if (!plain) return el
        const now = await value()
        if (now === text) return el
        if (attempt === 2) throw new Error(`typed «${text}» into ${css}, the field holds «${now}»`)
        console.error(`typeIn: ${css} held «${now}» after typing «${text}»; typing again`)
        await sleep(300)
      }
    },
    /** Clicks the visible option with this text in an Element Plus select. */
    async chooseOption(selectCss, label) {
      await session().clickCss(`${selectCss} .el-select__wrapper`)
      await sleep(300)
      const ok = await session().exec(
        `const items = [...document.querySelectorAll('.el-select-dropdown__item')]
           .filter((li) => li.offsetParent !== null && li.textContent.trim() === arguments[0]);
         if (items.length) { items[0].click(); return true } return false`,
        [label],
      )
      assert.ok(ok, `option ${label} not found`)
    },
    /** The error an el-form-item shows under the field holding `inputCss`. */
    fieldError: (inputCss) =>
      session().exec(`return document.querySelector(arguments[0])?.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''`, [inputCss]),
    /** Waits for an error under the field; on a timeout the message carries the whole form's
     *  values and errors, so that a failure says what the form held instead. */
    async errorAtField(inputCss, what) {
      try {
        return await until(() => h.fieldError(inputCss), (t) => t.length > 0, what)
      } catch (e) {
        const form = await session().exec(
          `const f = document.querySelector(arguments[0])?.closest('form')
           if (!f) return 'no form'
           return JSON.stringify({
             values: [...f.querySelectorAll('input, textarea')].map((i) => (i.dataset.testid ?? i.name ?? '?') + '=' + i.value),
             errors: [...f.querySelectorAll('.el-form-item__error, [role=alert]')].map((x) => x.textContent.trim()),
             focus: document.activeElement?.dataset?.testid ?? document.activeElement?.tagName,
             busy: [...document.querySelectorAll('.el-button.is-loading')].map((b) => b.dataset.testid ?? b.textContent.trim()),
           })`,
          [inputCss],
        )
        throw new Error(`${e.message}; the form: ${form}`)
      }
    },
  }
  return h
}
