// Compensation (src-tauri/src/compensation.rs → jingdi::desk::compensation): the standards
// page, the household page's compensation section, the dashboard's fairness list.
// Amounts and quantities go as the user typed them; the core parses and validates them.
import { call } from './call'
import type * as T from './bindings'

export const comp = {
  standards: (project: string) => call<T.StandardsView>('standards', { project }),
  publish: (input: T.StandardDraft) => call<T.StandardsView>('publish_standard', { input }),
  recalc: (input: T.RecalcInput) => call<T.RecalcReport>('recalc_compensation', { input }),
  fairness: (project: string, threshold: string | null) => call<T.FairnessReport>('fairness', { project, threshold }),
  adjust: (input: T.AdjustInput) => call<T.HouseholdView>('adjust_item', { input }),
  confirmAll: (input: T.ConfirmAllInput) => call<T.HouseholdView>('confirm_household_items', { input }),
  unconfirm: (input: T.UnconfirmInput) => call<T.HouseholdView>('unconfirm_item', { input }),
  pay: (input: T.PayInput) => call<T.HouseholdView>('pay', { input }),
  addInventory: (input: T.InventoryInput) => call<T.HouseholdView>('add_inventory', { input }),
  correctInventory: (input: T.InventoryCorrection) => call<T.HouseholdView>('correct_inventory', { input }),
  setAmount: (input: T.AmountInput) => call<T.HouseholdView>('set_household_amount', { input }),
}
