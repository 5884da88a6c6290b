//! PostgreSQL: the pool, the versioned migrations (`hub/migrations/`), tokens.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use sha2::{Digest, Sha256};
use tokio_postgres::NoTls;

/// The migrations, in order; applied once each, recorded in `hub_migrations`.
const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "0001_init", include_str!("../migrations/0001_init.sql")),
    (2, "0002_keys", include_str!("../migrations/0002_keys.sql")),
    (3, "0003_files", include_str!("../migrations/0003_files.sql")),
    (4, "0004_entity", include_str!("../migrations/0004_entity.sql")),
];

pub type DbError = Box<dyn std::error::Error + Send + Sync>;

pub fn pool(url: &str, size: usize) -> Result<Pool, DbError> {
    let config: tokio_postgres::Config = url.parse()?;
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Ok(Pool::builder(manager).max_size(size).build()?)
}

/// Applies the migrations not yet applied, one transaction each; a second hub starting at
/// the same time waits on the lock and finds them applied.
pub async fn migrate(pool: &Pool) -> Result<Vec<&'static str>, DbError> {
    let mut c = pool.get().await?;
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        let tx = c.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock(727001)", &[]).await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS hub_migrations (version int PRIMARY KEY, name text NOT NULL,
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
        let done = tx.query_opt("SELECT 1 FROM hub_migrations WHERE version = $1", &[version]).await?.is_some();
        if !done {
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO hub_migrations (version, name) VALUES ($1, $2)", &[version, name]).await?;
            applied.push(*name);
        }
        tx.commit().await?;
    }
    Ok(applied)
}

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("jdh_{hex}")
}

/// A new admin token; only its hash is kept.
pub async fn issue_admin(pool: &Pool, name: &str) -> Result<String, DbError> {
    let token = new_token();
    pool.get()
        .await?
        .execute("INSERT INTO tokens (kind, name, sha256) VALUES ('admin', $1, $2)", &[&name, &hash(&token)])
        .await?;
    Ok(token)
}

/// A new device token for a project (registered here if new); only its hash is kept.
pub async fn issue_device(pool: &Pool, project_code: &str, name: &str) -> Result<String, DbError> {
    let token = new_token();
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    tx.execute(
        "INSERT INTO projects (code, hub_device) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING",
        &[&project_code, &uuid::Uuid::new_v4()],
    )
    .await?;
    tx.execute(
        "INSERT INTO tokens (kind, project_code, name, sha256) VALUES ('device', $1, $2, $3)",
        &[&project_code, &name, &hash(&token)],
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Revokes the live device tokens of a project under this name (a laptop lost or retired):
/// from now on they are refused like an unknown token (`hub.bad_token`). How many there were.
/// What the laptop pushed before stays: its operations belong to the project.
pub async fn revoke_device(pool: &Pool, project_code: &str, name: &str) -> Result<u64, DbError> {
    Ok(pool
        .get()
        .await?
        .execute(
            "UPDATE tokens SET revoked_at = now()
             WHERE kind = 'device' AND project_code = $1 AND name = $2 AND revoked_at IS NULL",
            &[&project_code, &name],
        )
        .await?)
}
