//! `jingdi-hub`: the district hub. Laptops push bundles of operations and pull what they
//! lack; the hub stores them in PostgreSQL and never merges (every laptop replays with its
//! own core). See ARCHITECTURE.md, "The district hub".

mod api;
mod store;

use clap::{Parser, Subcommand};
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "jingdi-hub", version, about = "Jingdi district hub (PostgreSQL)")]
struct Cli {
    /// PostgreSQL connection, e.g. postgresql://jingdi@localhost/jingdi_hub [default: $JINGDI_HUB_DATABASE_URL]
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply the database migrations not yet applied
    Migrate,
    /// Serve HTTP (behind a reverse proxy for TLS); applies migrations first
    Serve {
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: String,
        /// Largest accepted request body in bytes
        #[arg(long, default_value_t = 16 << 20)]
        max_body: usize,
        /// PostgreSQL connections
        #[arg(long, default_value_t = 8)]
        pool: usize,
    },
    /// Print a new admin token (only its hash is stored)
    AdminToken {
        #[arg(long, default_value = "admin")]
        name: String,
    },
    /// Print a new device token for a laptop of a project
    IssueToken {
        #[arg(long)]
        project: String,
        #[arg(long)]
        name: String,
    },
    /// Revoke the device tokens of a project's laptop (lost or retired), by the name it was issued under
    RevokeToken {
        #[arg(long)]
        project: String,
        #[arg(long)]
        name: String,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("jingdi-hub: {e}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), store::DbError> {
    let url = cli.database_url.clone().or_else(|| std::env::var("JINGDI_HUB_DATABASE_URL").ok()).unwrap_or_default();
    if url.is_empty() {
        return Err("需要 --database-url 或环境变量 JINGDI_HUB_DATABASE_URL".into());
    }
    let size = match &cli.command {
        Command::Serve { pool, .. } => *pool,
        _ => 1,
    };
    let pool = store::pool(&url, size)?;
    match cli.command {
        Command::Migrate => {
            for m in store::migrate(&pool).await? {
                println!("applied {m}");
            }
        }
        Command::AdminToken { name } => println!("{}", store::issue_admin(&pool, &name).await?),
        Command::IssueToken { project, name } => println!("{}", store::issue_device(&pool, &project, &name).await?),
        Command::RevokeToken { project, name } => match store::revoke_device(&pool, &project, &name).await? {
            0 => return Err(format!("项目 {project} 没有名为「{name}」的有效设备令牌").into()),
            n => println!("已吊销 {n} 个令牌（项目 {project}，{name}）"),
        },
        Command::Serve { listen, max_body, .. } => {
            store::migrate(&pool).await?;
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            // The first line tells a script (and the tests) where the hub listens.
            println!("jingdi-hub listening on http://{}", listener.local_addr()?);
            let app = Arc::new(api::App { pool, max_body });
            axum::serve(listener, api::router(app)).await?;
        }
    }
    Ok(())
}
