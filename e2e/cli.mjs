// The `jingdi` command next to the app binary, for checking the app's figures against the
// core and for playing another laptop. Throws with the command's stderr unless ok is false.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
export const APP = process.env.JINGDI_APP ?? path.resolve(here, '../target/debug/jingdi-app')
const CLI = process.env.JINGDI_CLI ?? path.join(path.dirname(APP), 'jingdi')

/** Runs `jingdi --db DB ARGS`; parsed JSON when asked for, null on an allowed failure. */
export function jingdi(db, args, { json = false, ok = true } = {}) {
  try {
    const out = execFileSync(CLI, ['--db', db, ...args, ...(json ? ['--json'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    return json ? JSON.parse(out) : out
  } catch (e) {
    if (ok) throw new Error(`jingdi ${args.join(' ')}: ${e.stderr}`)
    return null
  }
}
