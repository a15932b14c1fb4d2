//! The `sahasrahbot` binary as a user runs it: exit codes, messages, start-up on the
//! embedded defaults, graceful shutdown, and adopting a Python bot database.

#![allow(clippy::print_stderr, reason = "a skipped test says why")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sahasrahbot_core::db::entities::{presetnamespaces, presets, spoiler_races, users};
use sahasrahbot_testkit::db::{TestDb, legacy_schema_sql};
use sea_orm::{Database, EntityTrait};

const BIN: &str = env!("CARGO_BIN_EXE_sahasrahbot");

/// The Python bot's variables and ours, cleared so the host environment cannot leak in.
const CLEARED: &[&str] = &[
    "DATABASE_URL",
    "DB_HOST",
    "DB_PORT",
    "DB_USER",
    "DB_PASS",
    "DB_NAME",
    "DISCORD_TOKEN",
    "AUDIT_DISCORD_TOKEN",
    "DEBUG",
    "RUST_LOG",
    "SAHASRAHBOT_CONFIG",
];

fn bot(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(dir);
    for var in CLEARED {
        cmd.env_remove(var);
    }
    cmd
}

fn output(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run sahasrahbot");
    (
        status.code().expect("exited normally"),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    Some(body)
}

fn wait_for_http(child: &mut Child, port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(resp) = http_get(port, "/healthcheck") {
            return resp;
        }
        assert!(
            child.try_wait().expect("poll").is_none(),
            "the bot exited early"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the HTTP server did not come up on port {port}");
}

#[test]
fn config_check_prints_masked_config_and_subsystems() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = output(
        bot(dir.path(), &["config", "check"])
            .env("DISCORD_TOKEN", "super-secret-token")
            .env("DB_PASS", "dbsecret"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains("super-secret-token") && !out.contains("dbsecret"),
        "{out}"
    );
    assert!(
        out.contains("url = \"mysql://sahasrahbot:****@localhost:3306/sahasrahbot\""),
        "{out}"
    );
    assert!(
        out.contains("#   audit: disabled (no AUDIT_DISCORD_TOKEN / audit.token)"),
        "{out}"
    );
    assert!(
        out.contains("#   api: enabled (http://127.0.0.1:5001)"),
        "{out}"
    );
    assert!(out.contains("# configuration is valid"), "{out}");
}

#[test]
fn config_check_names_every_invalid_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("sahasrahbot.toml"),
        "[telemetry]\nsample_rate = 3.5\n",
    )
    .expect("write");
    let (code, out, err) = output(
        bot(dir.path(), &["config", "check"])
            .env("SAHASRAHBOT_API__LISTEN", "not-an-address")
            .env("DATABASE_URL", "redis://user:hunter2@localhost/0"),
    );
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(
        err.starts_with("error: configuration has 3 invalid value(s):"),
        "{err}"
    );
    assert!(
        err.contains("database.url: redis://user:****@localhost/0 has scheme \"redis\""),
        "{err}"
    );
    assert!(err.contains("api.listen: \"not-an-address\""), "{err}");
    assert!(
        err.contains("telemetry.sample_rate: 3.5 must be between 0 and 1"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn malformed_config_file_is_a_one_line_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("broken.toml"), "[api\nlisten = ").expect("write");
    let (code, _, err) = output(&mut bot(dir.path(), &["--config", "broken.toml", "run"]));
    assert_eq!(code, 2);
    assert!(err.starts_with("error: configuration: "), "{err}");
    assert!(err.contains("broken.toml"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn unreachable_database_is_a_one_line_error_with_the_password_masked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let (code, _, err) = output(
        bot(dir.path(), &["migrate"])
            .env(
                "DATABASE_URL",
                format!("mysql://root:topsecret@127.0.0.1:{port}/nowhere"),
            )
            .env("SAHASRAHBOT_DATABASE__CONNECT_TIMEOUT_SECS", "1")
            .env("SAHASRAHBOT_LOG__FILTER", "off"),
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: cannot connect to the database at mysql://root:****@127.0.0.1:{port}/nowhere"
        )),
        "{err}"
    );
    assert!(!err.contains("topsecret"), "{err}");
}

#[test]
fn runs_on_the_embedded_defaults_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut child = bot(dir.path(), &[])
        .env("SAHASRAHBOT_API__LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let resp = wait_for_http(&mut child, port);
    assert!(
        resp.starts_with("HTTP/1.0 200") || resp.starts_with("HTTP/1.1 200"),
        "{resp}"
    );
    assert!(
        resp.ends_with(r#"{"database":"ok","discord":"disabled","success":true}"#),
        "{resp}"
    );
    assert!(
        dir.path().join("data/sahasrahbot.db").is_file(),
        "SQLite file created"
    );

    let started = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("poll") {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no exit within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(exit.code(), Some(0));
    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("log");
    assert!(log.contains("racetime/alttpr: disabled"), "{log}");
    assert!(log.contains("shutting down"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

#[test]
fn migrate_twice_on_sqlite_is_harmless() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut first = bot(dir.path(), &["migrate"]);
    let (code, _, err) = output(&mut first);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fresh database, schema created"), "{err}");
    let (code, _, err) = output(&mut bot(dir.path(), &["migrate"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("database already up to date"), "{err}");
}

/// The issue's adoption scenario: the Python bot's schema loaded into MariaDB with rows in
/// it, `sahasrahbot migrate`, then the rows read back through the entities.
#[tokio::test]
async fn migrate_adopts_a_python_bot_database_on_mariadb() {
    let Some(schema) = legacy_schema_sql() else {
        eprintln!("skipping: ../shared/fixtures/legacy_schema_mysql.sql is absent");
        return;
    };
    let Some(db) = TestDb::mysql().await else {
        eprintln!("skipping: TEST_MYSQL_URL is not set");
        return;
    };
    db.run_script(&schema)
        .await
        .expect("load the legacy schema");
    db.run_script(
        "INSERT INTO users (id, discord_user_id, display_name, rtgg_id, test_user) \
           VALUES (7, 185198185990324225, 'Synack', 'xz9YBd3y', 0);\n\
         INSERT INTO presetnamespaces (id, name, discord_user_id) VALUES (3, 'synack', 185198185990324225);\n\
         INSERT INTO presets (preset_name, content, namespace_id, randomizer, generated_count) \
           VALUES ('open2', 'goal_name: ganon', 3, 'alttpr', 12);\n\
         INSERT INTO spoiler_races (srl_id, spoiler_url, studytime) VALUES ('alttpr/clumsy-link-1234', 'https://x/s.txt', 900);\n",
    )
    .await
    .expect("sample rows");

    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = output(bot(dir.path(), &["migrate"]).env("DATABASE_URL", db.url()));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Python bot database adopted"), "{err}");

    let conn = Database::connect(db.url()).await.expect("connect");
    let user = users::Entity::find_by_id(7)
        .one(&conn)
        .await
        .expect("query")
        .expect("user 7");
    assert_eq!(user.discord_user_id, Some(185_198_185_990_324_225));
    assert_eq!(user.display_name.as_deref(), Some("Synack"));
    let ns = presetnamespaces::Entity::find_by_id(3)
        .one(&conn)
        .await
        .expect("q")
        .expect("ns");
    assert_eq!(ns.name.as_deref(), Some("synack"));
    let all = presets::Entity::find().all(&conn).await.expect("q");
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].preset_name.as_str(), all[0].generated_count),
        ("open2", 12)
    );
    assert_eq!(all[0].content, "goal_name: ganon");
    let races = spoiler_races::Entity::find().all(&conn).await.expect("q");
    assert_eq!(races[0].srl_id.as_deref(), Some("alttpr/clumsy-link-1234"));
    assert_eq!(races[0].studytime, Some(900));

    let (code, _, err) = output(bot(dir.path(), &["migrate"]).env("DATABASE_URL", db.url()));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("database already up to date"), "{err}");
}

#[test]
fn presets_check_names_each_bad_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let alttpr = dir.path().join("presets/alttpr");
    std::fs::create_dir_all(&alttpr).expect("mkdir");
    std::fs::write(alttpr.join("broken.yaml"), "settings: [unclosed\n").expect("write");
    std::fs::write(alttpr.join("old.yml"), "goal_name: x\n").expect("write");
    let (code, out, err) = output(&mut bot(dir.path(), &["presets", "check", "presets"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("presets/alttpr/broken.yaml: "), "{out}");
    assert!(
        out.contains("presets/alttpr/old.yml: ignored: only .yaml files are loaded"),
        "{out}"
    );
    assert_eq!(err, "error: 2 preset file(s) are invalid\n");
}

#[test]
fn presets_check_passes_on_the_shipped_presets() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../presets");
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = output(&mut bot(
        dir.path(),
        &["presets", "check", shipped.to_str().expect("utf-8")],
    ));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("is valid"), "{out}");
}

#[test]
fn presets_check_rejects_a_missing_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = output(&mut bot(dir.path(), &["presets", "check", "nope"]));
    assert_eq!(code, 2);
    assert_eq!(err, "error: nope is not a preset directory\n");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) =
        output(bot(dir.path(), &["migrate"]).env("SAHASRAHBOT_LOG__FORMAT", "json"));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["level"] == "INFO"
            && l["message"] == "database ready"
            && l["report"]
                .as_str()
                .is_some_and(|r| r.starts_with("fresh database"))),
        "{err}"
    );
}

#[tokio::test]
async fn migrate_creates_the_schema_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("skipping: TEST_POSTGRES_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = output(bot(dir.path(), &["migrate"]).env("DATABASE_URL", db.url()));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fresh database, schema created"), "{err}");
    let conn = Database::connect(db.url()).await.expect("connect");
    assert_eq!(
        users::Entity::find()
            .all(&conn)
            .await
            .expect("users table")
            .len(),
        0
    );
}

#[tokio::test]
async fn telemetry_report_and_purge_read_the_database() {
    use sahasrahbot_core::db::entities::telemetry_events;
    use sea_orm::Set;

    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = output(&mut bot(dir.path(), &["migrate"]));
    assert_eq!(code, 0, "{err}");
    let url = format!(
        "sqlite://{}",
        dir.path().join("data/sahasrahbot.db").display()
    );
    let conn = Database::connect(&url).await.expect("connect");
    let now = chrono::Utc::now().naive_utc();
    for (feature, age_days) in [
        ("generator.preset", 1),
        ("generator.preset", 2),
        ("daily", 40),
    ] {
        let at = now - chrono::Duration::days(age_days);
        telemetry_events::Entity::insert(telemetry_events::ActiveModel {
            created_at: Set(at),
            day_bucket: Set(at.date()),
            event_name: Set(format!("discord.{feature}.invoke")),
            surface: Set("discord".into()),
            feature: Set(feature.into()),
            action: Set("invoke".into()),
            status: Set("ok".into()),
            sample_rate: Set(1.0),
            ..Default::default()
        })
        .exec(&conn)
        .await
        .expect("insert");
    }
    conn.close().await.expect("close");

    let (code, out, err) = output(&mut bot(dir.path(), &["telemetry", "report", "7"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Telemetry over the last 7 day(s): 2 event(s)"),
        "{out}"
    );
    assert!(out.contains("  discord/generator.preset: 2\n"), "{out}");

    let (code, _, err) = output(&mut bot(dir.path(), &["telemetry", "purge"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("deleted=1"), "{err}");
    let (_, out, _) = output(&mut bot(dir.path(), &["telemetry", "report", "365"]));
    assert!(
        out.starts_with("Telemetry over the last 365 day(s): 2 event(s)"),
        "{out}"
    );
}

/// Multi-threaded: the fake answers while this thread waits for the child process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_sync_commands_registers_through_the_configured_proxy() {
    use sahasrahbot_testkit::discord::FakeDiscord;

    let fake = FakeDiscord::start().await.expect("fake discord");
    let dir = tempfile::tempdir().expect("tempdir");
    let guild = fake.guild_id().to_string();
    let (code, out, err) = output(
        bot(dir.path(), &["discord", "sync-commands"])
            .env("DISCORD_TOKEN", fake.token())
            .env("SAHASRAHBOT_DISCORD__HTTP_PROXY", fake.http_proxy())
            .env("ALTTP_RANDOMIZER_SERVERS", &guild),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("global: ") && out.contains("alttpr"),
        "{out}"
    );
    assert!(out.contains(&format!("guild {guild}: ")), "{out}");
    let app = fake.application_id();
    let puts: Vec<String> = fake
        .rest_calls()
        .into_iter()
        .filter(|c| c.method == "PUT")
        .map(|c| c.path)
        .collect();
    assert!(
        puts.iter()
            .any(|p| p.ends_with(&format!("/applications/{app}/commands"))),
        "{puts:?}"
    );
    assert!(
        puts.iter()
            .any(|p| p.ends_with(&format!("/applications/{app}/guilds/{guild}/commands"))),
        "{puts:?}"
    );

    let (code, _, err) = output(&mut bot(dir.path(), &["discord", "sync-commands"]));
    assert_eq!(code, 1);
    assert!(err.starts_with("error: discord: "), "{err}");
}
