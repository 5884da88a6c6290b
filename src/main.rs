//! The `jingdi` command-line tool: every command takes `--db PATH` and `--json`.

mod cli;

fn main() {
    // `jingdi log | head`: when the reader goes away, end quietly as command-line tools do,
    // instead of panicking on the next write to a closed pipe. Nothing is lost: writes to
    // the database are whole transactions, committed or not.
    #[cfg(target_os = "linux")]
    // SAFETY: restoring the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(cli::run());
}
