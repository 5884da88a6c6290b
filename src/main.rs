//! The `jingdi` command-line tool: every command takes `--db PATH` and `--json`.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
