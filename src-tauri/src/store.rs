//! The open database as the commands use it — the one pattern every command follows:
//!
//! ```text
//! #[tauri::command]
//! async fn summary(s: State<'_, Store>, project: Uuid) -> Wire<Summary> {
//!     s.read(move |db| desk::summary(db, project)).await      // a query
//! }
//! #[tauri::command]
//! async fn set_stage(s: State<'_, Store>, input: StageInput) -> Wire<HouseholdView> {
//!     s.write(move |db| desk::set_stage(db, input)).await     // a change
//! }
//! ```
//!
//! Commands are `async` and the core call runs on Tauri's blocking pool, never on the main
//! thread that paints the window. Changes take the one writer connection in turn (SQLite
//! has one writer); queries take a read-only connection of their own and, in WAL mode, see
//! the last committed state without waiting for a writer: the dashboard answers while a
//! merge or a roster import holds the writer for seconds. A read through a reader that
//! tried to write would fail (`SQLITE_READONLY`), so a query that writes cannot slip in.

use jingdi::error::WireError;
use jingdi::Db;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub type Wire<T> = Result<T, WireError>;

/// Readers kept open between queries; more are opened when more queries run at once.
const IDLE_READERS: usize = 4;

#[derive(Clone)]
pub struct Store(Arc<Inner>);

struct Inner {
    writer: Mutex<Db>,
    readers: Mutex<Vec<Db>>,
    /// Opens more readers, so that doing so never waits for the writer.
    seed: Mutex<Db>,
    /// Set by 取消 while a cancellable change runs (one writer: one flag).
    cancel: AtomicBool,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in one command must not lock the app out of its database: the connection
    // itself is consistent (an open transaction is rolled back when dropped).
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Store {
    pub fn new(db: Db) -> jingdi::Result<Store> {
        let seed = db.open_reader()?;
        Ok(Store(Arc::new(Inner {
            writer: Mutex::new(db),
            readers: Mutex::new(Vec::new()),
            seed: Mutex::new(seed),
            cancel: AtomicBool::new(false),
        })))
    }

    /// Runs a change (or anything that must see the writer's state) on the writer.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Db) -> jingdi::Result<T> + Send + 'static,
    ) -> Wire<T> {
        let inner = self.0.clone();
        blocking(move || f(&mut locked(&inner.writer))).await
    }

    /// Runs a change that may be stopped: `f` gets a check that answers true once [`cancel`]
    /// is called (the core decides where stopping is safe and what it leaves).
    ///
    /// [`cancel`]: Store::cancel
    pub async fn write_cancellable<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Db, &dyn Fn() -> bool) -> jingdi::Result<T> + Send + 'static,
    ) -> Wire<T> {
        let inner = self.0.clone();
        blocking(move || {
            let mut db = locked(&inner.writer);
            // Cleared once this change holds the writer, so that a 取消 meant for the change
            // before it (still running while this one waited) is not lost.
            inner.cancel.store(false, Ordering::SeqCst);
            f(&mut db, &|| inner.cancel.load(Ordering::SeqCst))
        })
        .await
    }

    /// Asks the cancellable change under way to stop.
    pub async fn cancel(&self) -> Wire<()> {
        self.0.cancel.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Runs a query on a read-only connection, in one read transaction (one snapshot).
    pub async fn read<T: Send + 'static>(&self, f: impl FnOnce(&Db) -> jingdi::Result<T> + Send + 'static) -> Wire<T> {
        let inner = self.0.clone();
        blocking(move || {
            let reader = match locked(&inner.readers).pop() {
                Some(r) => r,
                None => locked(&inner.seed).open_reader()?,
            };
            let out = reader.snapshot(f);
            let mut idle = locked(&inner.readers);
            if idle.len() < IDLE_READERS {
                idle.push(reader);
            }
            out
        })
        .await
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> jingdi::Result<T> + Send + 'static) -> Wire<T> {
    match tauri::async_runtime::spawn_blocking(f).await {
        Ok(out) => out.map_err(|e| e.to_wire()),
        Err(e) => Err(WireError { code: "internal".into(), message: format!("内部错误：{e}") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// The promise the app's responsiveness rests on: while a change holds the writer (as a
    /// merge does for seconds), a query still answers.
    #[test]
    fn a_query_answers_while_a_change_holds_the_writer() {
        let dir = std::env::temp_dir().join(format!("jingdi-store-test-{}", std::process::id()));
        let store = Store::new(Db::open(dir.join("jingdi.db")).unwrap()).unwrap();
        let (held_tx, held) = mpsc::channel();
        let (release, release_rx) = mpsc::channel::<()>();
        let w = store.clone();
        let write = tauri::async_runtime::spawn(async move {
            w.write(move |db| {
                db.write("测试", |_tx| {
                    held_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok(())
                })
            })
            .await
        });
        held.recv().unwrap();
        let (answer_tx, answer) = mpsc::channel();
        let r = store.clone();
        tauri::async_runtime::spawn(async move {
            let _ = answer_tx.send(r.read(jingdi::desk::app_state).await);
        });
        let got = answer.recv_timeout(Duration::from_secs(5));
        release.send(()).unwrap();
        tauri::async_runtime::block_on(write).unwrap().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let state = got.expect("the query waited for the writer").unwrap();
        assert!(state.projects.is_empty());
    }

    /// Every command follows the pattern above, so none can block the main thread or keep
    /// logic of its own: its body is one `s.read(..)`, `s.write(..)`, `s.write_cancellable(..)`
    /// or `s.cancel()` awaited.
    #[test]
    fn every_command_is_one_call_through_the_store() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.ends_with("store.rs") {
                continue; // the pattern's own documentation
            }
            let src = std::fs::read_to_string(&path).unwrap();
            for (i, part) in src.split("#[tauri::command]").enumerate().skip(1) {
                let (sig, rest) = part.split_once('{').unwrap();
                // The body: up to the function's closing brace at the start of a line.
                let body = rest.split("\n}").next().unwrap().trim();
                let at = format!("{} (command {i})", path.display());
                assert!(sig.contains("async fn"), "{at}: commands are async");
                assert!(
                    ["s.read(", "s.write(", "s.write_cancellable(", "s.cancel()"].iter().any(|p| body.starts_with(p))
                        && body.ends_with(".await"),
                    "{at}: the body is one s.read(..) or s.write(..) awaited, found: {body}"
                );
                seen += 1;
            }
        }
        assert!(seen > 30, "found only {seen} commands");
    }
}
