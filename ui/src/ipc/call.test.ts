import { describe, expect, it, vi } from 'vitest'

// The shell's side of IPC is replaced here: this tests the helper's error shapes only.
const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...a: unknown[]) => invoke(...a) }))
const { call } = await import('./call')

const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>

describe('call', () => {
  it('passes the command, its arguments and the answer through', async () => {
    invoke.mockResolvedValueOnce({ id: 'p1' })
    await expect(call('open_demo', { x: 1 })).resolves.toEqual({ id: 'p1' })
    expect(invoke).toHaveBeenLastCalledWith('open_demo', { x: 1 })
  })
  it("keeps the core's refusal as it is", async () => {
    invoke.mockRejectedValueOnce({ code: 'rule.obstacle.unit_required', message: '问题须写明责任单位' })
    await expect(call('add_obstacle')).rejects.toEqual({ code: 'rule.obstacle.unit_required', message: '问题须写明责任单位' })
  })
  it('turns a plumbing failure (a plain string) into the same shape', async () => {
    invoke.mockRejectedValueOnce('command foo not found')
    await expect(call('foo')).rejects.toEqual({ code: 'ipc', message: 'command foo not found' })
  })
  it('is the only place that invokes the shell', () => {
    const invoking = Object.entries(sources).filter(([, text]) => /\binvoke\s*[<(]/.test(text)).map(([path]) => path)
    expect(invoking).toEqual(['./call.ts'])
  })
})
