//! Triforce texts (core.md §1.5.6): an approved text from a pool becomes the end-of-game
//! triforce room text of an alttpr preset.

use sahasrahbot_core::db::entities::triforcetexts;
use sahasrahbot_core::presets::alttpr::{AlttprOptions, build_request};
use sahasrahbot_core::presets::mystery::Rng;
use sahasrahbot_core::presets::mystery::rng::choice;
use sahasrahbot_core::presets::{Map, Preset, PresetError, ProviderRequest, Value};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Picks an approved text of `pool`. Balanced: first a submitter (all texts without one
/// count as one submitter), then one of their texts; otherwise any approved text. `None`
/// when the pool has no approved text.
///
/// # Errors
/// The database error.
pub async fn pick_text<C: ConnectionTrait>(
    conn: &C,
    pool: &str,
    balanced: bool,
    rng: &mut dyn Rng,
) -> Result<Option<String>, DbErr> {
    let rows = triforcetexts::Entity::find()
        .filter(triforcetexts::Column::PoolName.eq(pool))
        .filter(triforcetexts::Column::Approved.eq(true))
        .order_by_asc(triforcetexts::Column::Id)
        .all(conn)
        .await?;
    if !balanced {
        return Ok(choice(rng, &rows).map(|r| r.text.clone()));
    }
    let mut submitters: Vec<Option<i64>> = Vec::new();
    for row in &rows {
        if !submitters.contains(&row.discord_user_id) {
            submitters.push(row.discord_user_id);
        }
    }
    let Some(submitter) = choice(rng, &submitters).copied() else {
        return Ok(None);
    };
    let theirs: Vec<&triforcetexts::Model> = rows
        .iter()
        .filter(|r| r.discord_user_id == submitter)
        .collect();
    Ok(choice(rng, &theirs).map(|r| r.text.clone()))
}

/// The request for `preset` with the triforce text set (replacing any `texts`), `extra`
/// settings merged on top, and the original's fixed options: quickswap allowed,
/// tournament, no hints, spoilers off.
///
/// # Errors
/// The preset cannot be built (no `settings`, a door or AVIANART preset is still built
/// as such).
pub fn request_with_text(
    preset: &Preset,
    text: Option<&str>,
    extra: Option<&Map>,
    branch: Option<&str>,
    rng: &mut dyn Rng,
) -> Result<ProviderRequest, PresetError> {
    let mut preset = preset.clone();
    let mut settings = preset.settings()?.clone();
    if let Some(text) = text {
        let mut texts = Map::new();
        texts.insert("end_triforce", format!("{{NOBORDER}}\n{text}"));
        settings.insert("texts", Value::Map(texts));
    }
    if let Some(extra) = extra {
        for (k, v) in extra.iter() {
            settings.insert(k.clone(), v.clone());
        }
    }
    preset.data.insert("settings", Value::Map(settings));
    let opts = AlttprOptions {
        allow_quickswap: true,
        tournament: true,
        hints: false,
        spoilers: "off".to_owned(),
        branch: branch.map(str::to_owned),
        ..AlttprOptions::default()
    };
    build_request(&preset, &opts, rng)
}

#[cfg(test)]
mod tests {
    use sahasrahbot_core::presets::Game;
    use sahasrahbot_core::presets::mystery::PyRandom;

    use super::*;

    #[test]
    fn the_text_replaces_texts_and_extra_settings_merge() {
        let preset = Preset::from_yaml(
            Game::Alttpr,
            "open",
            "settings: {goal: ganon, texts: {old: x}, hints: 'on'}\n",
        )
        .unwrap();
        let mut extra = Map::new();
        extra.insert("goal", "fast_ganon");
        let req = request_with_text(
            &preset,
            Some("GG"),
            Some(&extra),
            Some("live"),
            &mut PyRandom::new(0),
        )
        .unwrap();
        let ProviderRequest::Alttpr { body, baseurl, .. } = req else {
            panic!("alttpr.com request expected");
        };
        assert_eq!(
            body["texts"],
            serde_json::json!({"end_triforce": "{NOBORDER}\nGG"})
        );
        assert_eq!(body["goal"], "fast_ganon");
        assert_eq!(body["tournament"], true);
        assert_eq!(body["spoilers"], "off");
        assert_eq!(body["allow_quickswap"], true);
        assert_eq!(baseurl.as_deref(), Some("https://alttpr.com"));
    }
}
