//! Triforce texts from the database on every backend: only approved texts of the pool,
//! balanced picks by submitter, nothing for an empty pool.

use std::collections::BTreeSet;

use sahasrahbot_core::db::entities::triforcetexts;
use sahasrahbot_core::presets::mystery::PyRandom;
use sahasrahbot_migrations::migrate;
use sahasrahbot_seedgen::triforce_text::pick_text;
use sahasrahbot_testkit::db::TestDb;
use sea_orm::{ActiveModelTrait, Set};

async fn add(db: &TestDb, pool: &str, text: &str, approved: Option<bool>, user: Option<i64>) {
    triforcetexts::ActiveModel {
        pool_name: Set(pool.to_owned()),
        text: Set(text.to_owned()),
        approved: Set(approved),
        discord_user_id: Set(user),
        broadcasted: Set(false),
        timestamp: Set(chrono::Utc::now().naive_utc()),
        ..Default::default()
    }
    .insert(db.conn())
    .await
    .unwrap_or_else(|e| panic!("{}: {e}", db.name()));
}

#[tokio::test]
async fn picks_approved_texts_of_the_pool() {
    for db in TestDb::all().await {
        migrate(db.conn()).await.expect("migrate");
        // User 1 has many texts, user 2 one, and one text has no submitter.
        for i in 0..8 {
            add(&db, "sgl", &format!("one-{i}"), Some(true), Some(1)).await;
        }
        add(&db, "sgl", "two", Some(true), Some(2)).await;
        add(&db, "sgl", "nobody", Some(true), None).await;
        add(&db, "sgl", "rejected", Some(false), Some(3)).await;
        add(&db, "sgl", "pending", None, Some(4)).await;
        add(&db, "other", "elsewhere", Some(true), Some(5)).await;

        let mut balanced = BTreeSet::new();
        let mut two_balanced = 0;
        let mut two_plain = 0;
        for seed in 0..90 {
            let t = pick_text(db.conn(), "sgl", true, &mut PyRandom::new(seed))
                .await
                .unwrap()
                .unwrap();
            two_balanced += usize::from(t == "two");
            balanced.insert(t);
            let t = pick_text(db.conn(), "sgl", false, &mut PyRandom::new(seed))
                .await
                .unwrap()
                .unwrap();
            assert!(!["rejected", "pending", "elsewhere"].contains(&t.as_str()));
            two_plain += usize::from(t == "two");
        }
        let name = db.name();
        assert!(
            balanced.contains("two") && balanced.contains("nobody"),
            "{name}"
        );
        assert!(!balanced.contains("rejected") && !balanced.contains("elsewhere"));
        // Balanced: user 2 gets about a third of the picks; unbalanced about a tenth.
        assert!(
            two_balanced > 15 && two_balanced > 2 * two_plain,
            "{name}: {two_balanced} vs {two_plain}"
        );
        assert_eq!(
            pick_text(db.conn(), "empty", true, &mut PyRandom::new(0))
                .await
                .unwrap(),
            None
        );
    }
}
