import { createRouter, createWebHashHistory } from 'vue-router'

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'dashboard', component: () => import('./views/Dashboard.vue') },
    { path: '/board', name: 'board', component: () => import('./views/Board.vue') },
    { path: '/map', name: 'map', component: () => import('./views/MapPage.vue') },
    { path: '/household/:id', name: 'household', component: () => import('./views/Household.vue'), props: true },
    { path: '/household/:id/print', name: 'settlement-print', component: () => import('./views/SettlementPrint.vue'), props: true },
    { path: '/visit', name: 'visit', component: () => import('./views/VisitLog.vue') },
    { path: '/obstacles', name: 'obstacles', component: () => import('./views/Obstacles.vue') },
    { path: '/meeting', name: 'meeting', component: () => import('./views/Meeting.vue') },
    { path: '/plot', name: 'plot', component: () => import('./views/PlotWork.vue') },
    { path: '/standards', name: 'standards', component: () => import('./views/Standards.vue') },
    { path: '/history', name: 'history', component: () => import('./views/History.vue') },
    { path: '/office', name: 'office', component: () => import('./views/OfficeFiles.vue') },
    { path: '/district', name: 'district', component: () => import('./views/District.vue') },
    { path: '/sync', name: 'sync', component: () => import('./views/Sync.vue') },
    { path: '/members', name: 'members', component: () => import('./views/Members.vue') },
    { path: '/backup', name: 'backup', component: () => import('./views/Backup.vue') },
  ],
})
