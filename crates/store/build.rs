// `sqlx::migrate!` embeds the migration files at compile time, but cargo does not know to
// rebuild when one is added: without this a new migration is silently left out of an
// incremental build.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
