// The one i18n system of the UI: vue-i18n, Chinese by default, English switchable. Every word
// a screen shows is a message here, read with `t('<area>.<key>', {placeholders})`.
//
// app.ts holds the shared words (navigation, common buttons, vocabularies) at the top level;
// an area with many words of its own keeps them in a file of its own under one namespace
// (`comp.`, `office.`, `sync.`, `map.`, `district.`). A new screen adds `i18n/<area>.ts` exporting `zh` and
// `en: typeof zh` (so a missing English word fails the type check) and registers it below.
import { createI18n } from 'vue-i18n'
import * as app from './app'
import * as backup from './backup'
import * as comp from './compensation'
import * as district from './district'
import * as evidence from './evidence'
import * as field from './field'
import * as map from './map'
import * as members from './members'
import * as office from './office'
import * as sync from './sync'

export const zh = { ...app.zh, comp: comp.zh, evidence: evidence.zh, office: office.zh, sync: sync.zh, backup: backup.zh, map: map.zh, field: field.zh, members: members.zh, district: district.zh }
export const en: typeof zh = { ...app.en, comp: comp.en, evidence: evidence.en, office: office.en, sync: sync.en, backup: backup.en, map: map.en, field: field.en, members: members.en, district: district.en }

export type Locale = 'zh-CN' | 'en'

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('jingdi.locale') : null

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
})

if (typeof document !== 'undefined') document.documentElement.lang = i18n.global.locale.value

export function setLocale(l: Locale) {
  i18n.global.locale.value = l
  localStorage.setItem('jingdi.locale', l)
  document.documentElement.lang = l
}
