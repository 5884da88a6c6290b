import { describe, expect, it } from 'vitest'
import { area, areaM2, date, dateTime, fenOf, fileSize, hundredths, percent, quantity, shortDate, todayIso, wanYuan, yuan } from './format'
import { i18n } from '../i18n'

describe('money and areas', () => {
  it('groups thousands and keeps two decimals', () => {
    expect(hundredths(107844000)).toBe('1,078,440.00')
    expect(hundredths(5)).toBe('0.05')
    expect(hundredths(0)).toBe('0.00')
    expect(hundredths(-123456)).toBe('-1,234.56')
  })
  it('formats yuan and m², in the UI language', () => {
    expect(yuan(123456789)).toBe('1,234,567.89 元')
    expect(wanYuan(107844000)).toBe('107.84 万元')
    i18n.global.locale.value = 'en'
    try {
      expect(yuan(123456789)).toBe('1,234,567.89 yuan')
      expect(wanYuan(107844000)).toBe('1.08 M yuan')
    } finally {
      i18n.global.locale.value = 'zh-CN'
    }
    expect(area(12540)).toBe('125.40 m²')
    expect(areaM2(54216.37)).toBe('54,216.37 m²')
  })
})

describe('rates', () => {
  it('drops the decimal of whole percentages', () => {
    expect(percent(1)).toBe('100%')
    expect(percent(0.975)).toBe('97.5%')
    expect(percent(0)).toBe('0%')
    expect(percent(1 / 3)).toBe('33.3%')
  })
})

describe('dates', () => {
  it('writes dates the Chinese way', () => {
    expect(date('2022-08-15')).toBe('2022年8月15日')
    expect(date('2022-08-15', 'en')).toBe('2022-08-15')
    expect(date(null)).toBe('—')
    expect(shortDate('2022-07-01')).toBe('7月1日')
  })
  it('formats instants in local time', () => {
    const s = dateTime('2022-08-15T01:59:00Z')
    expect(s).toMatch(/^2022年8月1[45]日 \d\d:59$/)
  })
  it('gives today as ISO', () => {
    expect(todayIso(new Date(2024, 0, 5))).toBe('2024-01-05')
  })
})

describe('prices typed in yuan and surveyed quantities', () => {
  it('turns a typed price into exact fen', () => {
    expect(fenOf(8600)).toBe(860000)
    expect(fenOf(0.1 + 0.2)).toBe(30)
    expect(fenOf(12.34)).toBe(1234)
    expect(fenOf(4.35)).toBe(435)
    expect(fenOf(null)).toBe(0)
    expect(fenOf(undefined)).toBe(0)
  })
  it('writes counts without decimals and measures with two, as the core does', () => {
    expect(quantity(300, '棵')).toBe('3 棵')
    expect(quantity(250, '棵')).toBe('2.50 棵')
    expect(quantity(8600, 'm²')).toBe('86.00 m²')
    expect(quantity(123456, 'm')).toBe('1,234.56 m')
    expect(quantity(100, '')).toBe('1')
  })
})

describe('fileSize', () => {
  it('shows what a file manager shows', () => {
    expect(fileSize(0)).toBe('1 KB')
    expect(fileSize(860_000)).toBe('860 KB')
    expect(fileSize(4_145_152)).toBe('4.1 MB')
    expect(fileSize(2_500_000_000)).toBe('2.5 GB')
  })
})
