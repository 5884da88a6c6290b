// Chinese-style formatting of money (fen → 元), areas (0.01 m² → m²), rates and dates.
// Integers only on the way in: amounts never pass through floating point. Money follows the
// UI's language (元 / 万元 in Chinese, yuan / M yuan in English).
import { i18n } from '../i18n'

const english = () => String(i18n.global.locale.value).startsWith('en')

/** 107844000 → "1,078,440.00" (hundredths, thousands separators, two decimals). */
export function hundredths(v: number): string {
  const neg = v < 0
  const abs = Math.abs(Math.trunc(v))
  const whole = Math.floor(abs / 100).toString()
  const frac = (abs % 100).toString().padStart(2, '0')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}${grouped}.${frac}`
}

/** Money in fen as "1,078,440.00 元" ("1,078,440.00 yuan" in English). */
export function yuan(fen: number): string {
  return `${hundredths(fen)} ${english() ? 'yuan' : '元'}`
}

/** Money in fen as "107.84 万元" for headline figures ("1.08 M yuan" in English). */
export function wanYuan(fen: number): string {
  return wanYuanParts(fen).join(' ')
}

/** The figure and its unit of `wanYuan`, for a big number beside a small unit. */
export function wanYuanParts(fen: number): [string, string] {
  const two = { minimumFractionDigits: 2, maximumFractionDigits: 2 }
  if (english()) return [(fen / 100_000_000).toLocaleString('en', two), 'M yuan']
  return [(fen / 1_000_000).toLocaleString('zh-CN', two), '万元']
}

/** Area in 0.01 m² as "125.40 m²". */
export function area(centi: number): string {
  return `${hundredths(centi)} m²`
}

/** Area in m² (a float from a report) as "54,216.37 m²". */
export function areaM2(m2: number): string {
  return area(Math.round(m2 * 100))
}

/** A 0..1 rate as "97.5%" (one decimal, dropped when whole: "100%"). */
export function percent(rate: number): string {
  const p = Math.round(rate * 1000) / 10
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`
}

function parseDate(d: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d)
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null
}

/** "2022-08-15" → "2022年8月15日" (Chinese) or "2022-08-15" (English). */
export function date(d: string | null | undefined, locale: string = 'zh-CN'): string {
  if (!d) return '—'
  const p = parseDate(d)
  if (!p) return d
  return locale.startsWith('zh') ? `${p[0]}年${p[1]}月${p[2]}日` : d.slice(0, 10)
}

/** "2022-08-15" → "8月15日" for axes and compact lists. */
export function shortDate(d: string, locale: string = 'zh-CN'): string {
  const p = parseDate(d)
  if (!p) return d
  return locale.startsWith('zh') ? `${p[1]}月${p[2]}日` : `${p[1]}/${p[2]}`
}

/** An RFC 3339 instant → local "2022年8月15日 09:59". */
export function dateTime(instant: string, locale: string = 'zh-CN'): string {
  const t = new Date(instant)
  if (Number.isNaN(t.getTime())) return instant
  const pad = (n: number) => n.toString().padStart(2, '0')
  const ymd = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`
  return `${date(ymd, locale)} ${pad(t.getHours())}:${pad(t.getMinutes())}`
}

/** Today as "YYYY-MM-DD" in local time. */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => n.toString().padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** A price typed in 元 in a number field (two decimals at most) → fen; empty is 0. */
export function fenOf(yuanValue: number | null | undefined): number {
  return yuanValue == null || Number.isNaN(yuanValue) ? 0 : Math.round(yuanValue * 100)
}

/** A quantity in hundredths of its unit: "86.00 m²", "3 棵" (counts without decimals when whole). */
export function quantity(q: number, unit: string): string {
  const measured = unit.startsWith('m') || unit.includes('米')
  const n = measured || q % 100 !== 0 ? hundredths(q) : hundredths(q).replace(/\.00$/, '')
  return unit ? `${n} ${unit}` : n
}

/** A file's size: "860 KB", "12.3 MB" (decimal units, as file managers show them). */
export function fileSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1e3))} KB`
}
