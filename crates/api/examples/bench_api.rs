//! Load benchmark of the JSON API (what `cargo xtask bench-api` runs in release mode): serves
//! the real app on loopback over a migrated SQLite database and the shipped presets, then
//! keeps `--connections` keep-alive clients busy for `--seconds` per route and prints
//! requests per second and latency percentiles.
//!
//! `cargo run --release -p sahasrahbot-api --example bench_api -- [--seconds N] [--connections N]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use sahasrahbot_api::{AppState, app};
use sahasrahbot_core::presets::PresetStore;
use tokio_util::sync::CancellationToken;

struct Options {
    seconds: u64,
    connections: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        seconds: 5,
        connections: 16,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next().ok_or(format!("{a} needs a value"))?;
        match a.as_str() {
            "--seconds" => o.seconds = v.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--connections" => {
                o.connections = v.parse().map_err(|e| format!("--connections: {e}"))?;
            }
            _ => return Err(format!("unknown option {a}")),
        }
    }
    Ok(o)
}

/// Drives `url` with `connections` clients for `seconds`; returns (requests, errors,
/// sorted latencies in µs).
async fn load(url: &str, connections: usize, seconds: u64) -> (u64, u64, Vec<u64>) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client: no TLS settings to fail on");
            let (mut ok, mut err, mut lat) = (0_u64, 0_u64, Vec::new());
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => match r.bytes().await {
                        Ok(_) => ok += 1,
                        Err(_) => err += 1,
                    },
                    _ => err += 1,
                }
                lat.push(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            (ok, err, lat)
        }));
    }
    let (mut ok, mut err, mut lat) = (0, 0, Vec::new());
    for t in tasks {
        if let Ok((o, e, l)) = t.await {
            ok += o;
            err += e;
            lat.extend(l);
        }
    }
    lat.sort_unstable();
    (ok, err, lat)
}

fn pct(lat: &[u64], p: f64) -> f64 {
    if lat.is_empty() {
        return 0.0;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a short vector"
    )]
    let i = ((lat.len() - 1) as f64 * p).round() as usize;
    #[expect(clippy::cast_precision_loss, reason = "microseconds, displayed in ms")]
    let ms = lat[i] as f64 / 1000.0;
    ms
}

#[expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the benchmark's report is its output"
)]
#[tokio::main]
async fn main() {
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench_api: {e}");
            std::process::exit(2);
        }
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite:{}?mode=rwc", dir.path().join("bench.db").display());
    let db = sea_orm::Database::connect(&url)
        .await
        .expect("SQLite opens");
    sahasrahbot_migrations::migrate(&db)
        .await
        .expect("migrations run");
    let presets = format!("{}/../../presets", env!("CARGO_MANIFEST_DIR"));
    let state = AppState::new(db).with_presets(Arc::new(PresetStore::new(presets)));
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("a loopback port");
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .expect("a socket address");
    let cancel = CancellationToken::new();
    let server = tokio::spawn(
        Server::new_with_acceptor(acceptor).run_with_graceful_shutdown(
            app(state),
            cancel.clone().cancelled_owned(),
            None,
        ),
    );
    let base = format!("http://{addr}");
    println!(
        "bench-api: {} connections, {} s per route, release={}",
        opts.connections,
        opts.seconds,
        !cfg!(debug_assertions)
    );
    println!("| route | requests/s | errors | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    for route in ["/presets/api/alttpr?preset=open", "/healthcheck"] {
        let (ok, err, lat) = load(&format!("{base}{route}"), opts.connections, opts.seconds).await;
        #[expect(clippy::cast_precision_loss, reason = "a request count")]
        let rps = ok as f64 / opts.seconds as f64;
        println!(
            "| `GET {route}` | {rps:.0} | {err} | {:.2} | {:.2} |",
            pct(&lat, 0.5),
            pct(&lat, 0.99)
        );
    }
    cancel.cancel();
    let _ = server.await;
}
