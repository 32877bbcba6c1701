//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds the migration files
//! at compile time but does not itself tell Cargo to watch their directory.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
