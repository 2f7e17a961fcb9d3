//! Crash suite for the outbox sender: the real `onething serve` drains deliveries to a
//! department's webhook (which answers slowly, so kills land while a POST is in flight) and
//! is killed with SIGKILL at random moments, then started again. At the end every delivery
//! is `delivered` (none lost) and each was POSTed once, except a delivery in flight at a
//! kill, which is sent again with the same `delivery_id` (delivery is at least once and
//! receivers de-duplicate by it: EX-6): at most one such repeat per kill.
//!
//! A killed sender's claim is a lease of 120 s; the test ends the leases at each restart
//! (sets their time to the past) instead of waiting them out, as the clock would.
//! CI size runs in seconds; the full size (docs/operations.md):
//! `ONETHING_CRASH_DELIVERIES=600 ONETHING_CRASH_KILLS=30 cargo test -p onething --test integration crash_outbox`.
//! `ONETHING_CRASH_SEED` replays a run (the seed is printed).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::process::onething_ok;
use crate::two_servers::{fresh_db, routed_cases, serve, slow_webhook};
use onething_store::Store;
use rand::{Rng, SeedableRng};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(store.pool())
        .await
        .expect("count")
}

/// The `delivery_id` of each body the webhook received, with how often.
fn received(bodies: &[String]) -> BTreeMap<String, usize> {
    let mut times = BTreeMap::new();
    for body in bodies {
        let json: serde_json::Value = serde_json::from_str(body).expect("delivery body is JSON");
        let id = json["delivery_id"]
            .as_str()
            .expect("delivery_id")
            .to_owned();
        *times.entry(id).or_default() += 1;
    }
    times
}

/// On a SQLite file, and on PostgreSQL when `ONETHING_TEST_PG` names a server.
#[tokio::test(flavor = "multi_thread")]
async fn an_outbox_killed_while_sending_loses_no_delivery_and_repeats_only_the_one_in_flight() {
    let dir = tempfile::tempdir().expect("dir");
    kill_while_sending(&format!("sqlite://{}/outbox.db", dir.path().display())).await;
    if let Ok(server) = std::env::var("ONETHING_TEST_PG") {
        kill_while_sending(&fresh_db(&server).await).await;
    }
}

async fn kill_while_sending(db: &str) {
    let deliveries = usize::try_from(env_or("ONETHING_CRASH_DELIVERIES", 80)).expect("size");
    let kills = env_or("ONETHING_CRASH_KILLS", 5);
    let seed = env_or("ONETHING_CRASH_SEED", rand::random::<u32>().into());
    eprintln!(
        "outbox crash on {}: {deliveries} deliveries, {kills} kills, ONETHING_CRASH_SEED={seed}",
        db.split(':').next().unwrap_or_default()
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let dir = tempfile::tempdir().expect("dir");
    let path = |p: &str| dir.path().join(p).display().to_string();
    onething_ok(&["migrate", "--db", db]);
    let store = Store::open(db).await.expect("store");
    let (hook, seen) = slow_webhook(Duration::from_millis(25));
    onething_ok(&["dept", "keygen", "--out", &path("platform")]);
    onething_ok(&["dept", "keygen", "--out", &path("health")]);
    let key = path("health.pub");
    onething_ok(&[
        "dept",
        "add",
        "--db",
        db,
        "--id",
        "health-crash",
        "--name",
        "卫健",
        "--kind",
        "health",
        "--public-key",
        &key,
        "--webhook",
        &hook,
    ]);
    let routed = routed_cases(&store, deliveries).await;
    let config = path("onething.toml");
    let text = format!(
        "[platform]\nkey = \"{}\"\n[settlement]\nenabled = false\n",
        path("platform.key")
    );
    std::fs::write(&config, text).expect("config");

    let mut landed = 0_usize;
    for _ in 0..kills {
        let (_, mut server) = serve(db, &config);
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..600))).await;
        let in_flight = count(
            &store,
            "SELECT COUNT(*) FROM deliveries WHERE status <> 'delivered'",
        )
        .await;
        // `Child::kill` is SIGKILL on Unix: no destructor, no clean shutdown.
        let _ = server.0.kill();
        let _ = server.0.wait();
        if in_flight > 0 {
            landed += 1;
        }
        // The dead sender's leases end now rather than in 120 s.
        sqlx::query("UPDATE deliveries SET next_attempt_at = '2000-01-01T00:00:00.000000Z' WHERE status = 'sending'")
            .execute(store.pool())
            .await
            .expect("end leases");
    }
    assert!(
        landed > 0,
        "every kill came after the outbox was empty: the test proves nothing"
    );

    let (_, _server) = serve(db, &config);
    let started = Instant::now();
    while count(
        &store,
        "SELECT COUNT(*) FROM deliveries WHERE status <> 'delivered'",
    )
    .await
        > 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "deliveries never sent"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let bodies = seen.lock().expect("lock").clone();
    let times = received(&bodies);
    for (_, delivery) in &routed {
        assert!(times.contains_key(delivery), "delivery {delivery} lost");
    }
    assert_eq!(
        times.len(),
        routed.len(),
        "only the routed deliveries were sent"
    );
    let repeats: usize = times.values().map(|n| n - 1).sum();
    eprintln!("outbox crash: {landed} kills landed while sending, {repeats} deliveries repeated");
    assert!(
        repeats <= landed,
        "{repeats} repeats for {landed} kills while sending: a delivery was sent again that no kill interrupted"
    );
    let failed = count(
        &store,
        "SELECT COUNT(*) FROM deliveries WHERE status = 'failed'",
    )
    .await;
    assert_eq!(failed, 0);
    store.close().await;
}
