//! User presets and namespaces on every available database backend.

use sahasrahbot_core::Error;
use sahasrahbot_core::db::entities::{presetnamespacecollaborators, presetnamespaces, presets};
use sahasrahbot_core::presets::user::{SUPER_USER, UserPresets, fetch};
use sahasrahbot_core::presets::{Game, PresetError, PresetStore};
use sahasrahbot_migrations::migrate;
use sahasrahbot_testkit::db::TestDb;
use sea_orm::{EntityTrait, PaginatorTrait, Set};

const ALICE: i64 = 1_100_000_000_000_000_001;
const BOB: i64 = 1_100_000_000_000_000_002;
const CAROL: i64 = 1_100_000_000_000_000_003;

const OPEN: &str = "goal_name: open\nsettings:\n  mode: open\n  goal: ganon\n";

fn preset_error(e: Error) -> PresetError {
    match e {
        Error::Preset(p) => p,
        other => panic!("expected a preset error, got {other}"),
    }
}

#[tokio::test]
async fn namespaces_are_created_once_per_user_with_unique_slugs() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let users = UserPresets::new(db.conn().clone());
        let alice = users
            .namespace_for_user(ALICE, "Alice Liddell")
            .await
            .expect("create");
        assert_eq!(
            alice.name.as_deref(),
            Some("alice-liddell"),
            "{}",
            db.name()
        );
        let again = users
            .namespace_for_user(ALICE, "Renamed Later")
            .await
            .expect("get");
        assert_eq!(again, alice, "the existing namespace is kept");

        // Someone else whose name slugs the same gets a numbered slug.
        let bob = users
            .namespace_for_user(BOB, "alice liddell!")
            .await
            .expect("create");
        let name = bob.name.expect("name");
        let suffix = name.strip_prefix("alice-liddell").expect("same base");
        assert!(
            !suffix.is_empty() && suffix.parse::<u8>().is_ok_and(|n| n < 100),
            "{name} on {}",
            db.name()
        );
        assert_eq!(
            presetnamespaces::Entity::find()
                .count(db.conn())
                .await
                .expect("count"),
            2
        );
    }
}

#[tokio::test]
async fn save_get_list_delete_are_case_insensitive() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        let users = UserPresets::new(db.conn().clone());
        users.namespace_for_user(ALICE, "Alice").await.expect("ns");

        users
            .save(Game::Alttpr, "alice/Open2", OPEN)
            .await
            .expect("save");
        let p = users
            .get(Game::Alttpr, "ALICE", "open2")
            .await
            .expect("get");
        assert_eq!(p.goal_name(), Some("open"), "{}", db.name());

        users
            .save(
                Game::Alttpr,
                "Alice/open2",
                "goal_name: changed\nsettings: {mode: open}\n",
            )
            .await
            .expect("overwrite");
        assert_eq!(
            presets::Entity::find()
                .count(db.conn())
                .await
                .expect("count"),
            1
        );
        let row = presets::Entity::find()
            .one(db.conn())
            .await
            .expect("q")
            .expect("row");
        assert_eq!(
            row.content, "goal_name: changed\nsettings: {mode: open}\n",
            "raw text kept"
        );
        assert_eq!(row.randomizer, "alttpr");

        users
            .save(Game::Sm, "alice/other", OPEN)
            .await
            .expect("save sm");
        assert_eq!(
            users.list(Game::Alttpr, "alice").await.expect("list"),
            vec!["open2"]
        );
        assert_eq!(
            users.list(Game::Sm, "alice").await.expect("list"),
            vec!["other"]
        );

        assert!(
            users
                .delete(Game::Alttpr, "alice", "OPEN2")
                .await
                .expect("delete")
        );
        assert!(
            !users
                .delete(Game::Alttpr, "alice", "open2")
                .await
                .expect("delete")
        );
        let err = preset_error(
            users
                .get(Game::Alttpr, "alice", "open2")
                .await
                .expect_err("gone"),
        );
        assert_eq!(
            err.to_string(),
            "Could not find preset open2 in namespace alice."
        );
    }
}

#[tokio::test]
async fn bad_saves_write_nothing() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let users = UserPresets::new(db.conn().clone());
    users.namespace_for_user(ALICE, "alice").await.expect("ns");

    let global = preset_error(
        users
            .save(Game::Alttpr, "open", OPEN)
            .await
            .expect_err("global"),
    );
    assert_eq!(global.to_string(), "You cannot save a global preset.");
    let missing = preset_error(
        users
            .save(Game::Alttpr, "nobody/open", OPEN)
            .await
            .expect_err("no ns"),
    );
    assert_eq!(missing.to_string(), "Namespace nobody does not exist.");
    let yaml = users
        .save(Game::Alttpr, "alice/bad", "settings: [unclosed")
        .await;
    assert!(
        matches!(yaml, Err(Error::Preset(PresetError::Yaml { .. }))),
        "{yaml:?}"
    );
    let list = preset_error(users.list(Game::Alttpr, "nobody").await.expect_err("no ns"));
    assert_eq!(list.to_string(), "Namespace nobody does not exist.");
    assert_eq!(
        presets::Entity::find()
            .count(db.conn())
            .await
            .expect("count"),
        0
    );
}

#[tokio::test]
async fn owners_collaborators_and_the_super_user_may_edit() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let users = UserPresets::new(db.conn().clone());
    let ns = users.namespace_for_user(ALICE, "alice").await.expect("ns");
    presetnamespacecollaborators::Entity::insert(presetnamespacecollaborators::ActiveModel {
        discord_user_id: Set(BOB),
        namespace_id: Set(ns.id),
        ..Default::default()
    })
    .exec(db.conn())
    .await
    .expect("collaborator");
    assert!(users.is_owner(&ns, ALICE).await.expect("q"));
    assert!(users.is_owner(&ns, BOB).await.expect("q"));
    assert!(users.is_owner(&ns, SUPER_USER).await.expect("q"));
    assert!(!users.is_owner(&ns, CAROL).await.expect("q"));
}

#[tokio::test]
async fn fetch_reads_files_for_global_names_and_the_database_for_namespaces() {
    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("alttpr")).expect("mkdir");
    std::fs::write(
        dir.path().join("alttpr/Casual.yaml"),
        "goal_name: from file\nsettings: {}\n",
    )
    .expect("write");
    let files = PresetStore::new(dir.path());
    let users = UserPresets::new(db.conn().clone());
    users.namespace_for_user(ALICE, "alice").await.expect("ns");
    users
        .save(
            Game::Alttpr,
            "alice/casual",
            "goal_name: from db\nsettings: {}\n",
        )
        .await
        .expect("save");

    let global = fetch(&files, &users, Game::Alttpr, "Casual")
        .await
        .expect("global");
    assert_eq!(global.goal_name(), Some("from file"));
    let namespaced = fetch(&files, &users, Game::Alttpr, "Alice/Casual")
        .await
        .expect("user");
    assert_eq!(namespaced.goal_name(), Some("from db"));
    let missing = preset_error(
        fetch(&files, &users, Game::Alttpr, "nope")
            .await
            .expect_err("x"),
    );
    assert!(matches!(missing, PresetError::NotFound { .. }), "{missing}");
}

#[tokio::test]
async fn mystery_weightsets_can_roll_user_presets() {
    use sahasrahbot_core::presets::mystery::{PyRandom, roll};
    use sahasrahbot_core::presets::user::MysteryPresets;
    use sahasrahbot_core::presets::yaml;

    let db = TestDb::sqlite().await;
    migrate(db.conn()).await.expect("migrate");
    let dir = tempfile::tempdir().expect("tempdir");
    let files = PresetStore::new(dir.path());
    let users = UserPresets::new(db.conn().clone());
    users.namespace_for_user(ALICE, "alice").await.expect("ns");
    users
        .save(
            Game::Alttpr,
            "alice/mine",
            "goal_name: mine\nsettings:\n  mode: inverted\n  goal: ganon\n",
        )
        .await
        .expect("save");

    let weights = yaml::parse("preset:\n  alice/mine: 1\n").expect("yaml");
    let weights = weights.as_map().expect("map");
    let source = MysteryPresets::load(&files, &users, weights)
        .await
        .expect("load");
    let rolled = roll(weights, "mystery", &source, &mut PyRandom::new(0)).expect("roll");
    match rolled.request("mystery", true, true) {
        sahasrahbot_core::presets::ProviderRequest::Alttpr { body, .. } => {
            assert_eq!(body["mode"], "inverted", "{body}");
        }
        other => panic!("unexpected request {other:?}"),
    }

    let missing = yaml::parse("preset:\n  alice/absent: 1\n").expect("yaml");
    let missing = missing.as_map().expect("map");
    let source = MysteryPresets::load(&files, &users, missing)
        .await
        .expect("load");
    let err = roll(missing, "mystery", &source, &mut PyRandom::new(0)).expect_err("absent");
    assert!(err.to_string().contains("alice/absent"), "{err}");
}
