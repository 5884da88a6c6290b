//! 撤销: this laptop's latest edit of a household, a checklist item or a pole taken back as a
//! change in the log; refused when anything was written about the record since.

use crate::sync::{join, send, set_phone};
use crate::{d, TestDb};
use jingdi::plot_work;
use jingdi::vocab::{ChecklistCategory, Stage};

fn ops(t: &TestDb) -> usize {
    t.snapshot().1
}

#[test]
fn a_phone_edit_and_a_checklist_tick_are_taken_back_through_the_log() {
    let mut t = TestDb::with_households(2);
    let h = t.household("H1");
    let phone_before = h.phone.clone();
    set_phone(&mut t, "H1", "13911112222");
    let before_undo = ops(&t);
    t.write(|tx| jingdi::undo::undo_last(tx, h.id)).unwrap();
    assert_eq!(t.household("H1").phone, phone_before);
    assert_eq!(ops(&t), before_undo + 1, "the undoing is one more operation; the edit stays in the log");
    let last = jingdi::oplog::replay::all_ops(t.db.conn()).unwrap().pop().unwrap();
    assert_eq!((last.entity_id, last.reason.as_deref()), (h.id, Some(jingdi::undo::REASON)));

    // A tick taken back: 未完成 again, with no date, as before the tick.
    let p = t.project;
    let item = t.write(|tx| plot_work::add_checklist_item(tx, p, "清运建筑垃圾", ChecklistCategory::Debris)).unwrap();
    let list = |t: &TestDb| format!("{:?}", plot_work::checklist(t.db.conn(), p).unwrap());
    let fresh = list(&t);
    t.write(|tx| plot_work::set_checklist_done(tx, item, true, d("2024-01-05"), "")).unwrap();
    t.write(|tx| jingdi::undo::undo_last(tx, item)).unwrap();
    assert_eq!(list(&t), fresh);
    // Ticked again afterwards like any item.
    t.write(|tx| plot_work::set_checklist_done(tx, item, true, d("2024-01-06"), "")).unwrap();

    assert_eq!(
        jingdi::oplog::replay::rebuilt_dump(t.db.conn()).unwrap(),
        jingdi::oplog::replay::dump(t.db.conn()).unwrap(),
        "a replay of the log gives the same state"
    );
}

#[test]
fn nothing_is_taken_back_once_the_record_moved_on() {
    // A creation is not an edit; a stage move after the edit, or an edit merged in from
    // another laptop, means the record has moved on: each refused by its rule, nothing changed.
    let mut t = TestDb::with_households(3);
    let (h1, h2, h3) = (t.household("H1").id, t.household("H2").id, t.household("H3").id);
    let refused = |t: &mut TestDb, record, code: &str| {
        let before = t.snapshot();
        let e = t.write(|tx| jingdi::undo::undo_last(tx, record)).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert_eq!(t.snapshot(), before, "nothing changed");
    };
    refused(&mut t, h1, "rule.undo.not_an_edit");

    set_phone(&mut t, "H2", "13911113333");
    t.advance("H2", Stage::Assessed);
    refused(&mut t, h2, "rule.undo.changed_since");

    // Either way round: the other laptop's edit later than this one's, or earlier (offline
    // for a day) but received after it.
    for (first_here, phone) in [(true, "13911114444"), (false, "13911115555")] {
        let mut other = join(&t);
        if first_here {
            set_phone(&mut t, "H3", phone);
            set_phone(&mut other, "H3", "13955556666");
        } else {
            set_phone(&mut other, "H3", "13955557777");
            set_phone(&mut t, "H3", phone);
        }
        send(&other, &mut t);
        refused(&mut t, h3, "rule.undo.changed_since");
    }
}
