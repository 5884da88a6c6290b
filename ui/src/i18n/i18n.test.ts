import { describe, expect, it } from 'vitest'
import { en, i18n, zh } from './index'

// Every leaf key of a message tree, dotted.
function leaves(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

// The sources, read as text, to find the keys screens ask for.
const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts', '!../ipc/bindings.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>

describe('messages', () => {
  it('Chinese and English have the same keys', () => {
    expect(leaves(en).sort()).toEqual(leaves(zh).sort())
  })

  it('every message compiles and reads as itself in both languages', () => {
    const g = i18n.global
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const key of leaves(zh)) {
        const text = g.t(key, { n: 1, m: 2, d: 'D', v: 3, l: 'L', p: 'P', c: 4, u: 5, s: 6, i: 7, f: 8, h: 9 }, { locale })
        expect(text, `${locale} ${key}`).not.toBe(key)
        expect(text.length, `${locale} ${key}`).toBeGreaterThan(0)
      }
    }
  })

  it('every literal key a screen asks for exists', () => {
    const asked = new Set<string>()
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/\bt\('([\w.]+)'/g)) asked.add(m[1])
      // a computed key `area.${x}`: its prefix must exist
      for (const m of text.matchAll(/\bt\(`([\w.]+)\.\$\{/g)) asked.add(`${m[1]}.*`)
    }
    expect(asked.size).toBeGreaterThan(100)
    const known = new Set(leaves(zh))
    const prefixes = new Set([...known].flatMap((k) => k.split('.').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('.') + '.*')))
    const missing = [...asked].filter((k) => !known.has(k) && !prefixes.has(k))
    expect(missing).toEqual([])
  })
})
