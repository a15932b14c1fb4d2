//! The presets JSON routes (api.md §3.1, parity rows 21–23): preset names per randomizer,
//! one preset's raw YAML, and the download of a user preset.

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, Json};
use poem_openapi::{Object, OpenApi};
use sahasrahbot_core::db::entities::{presetnamespaces, presets};
use sahasrahbot_core::presets::{Game, PresetRef, PresetStore};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{ApiError, ApiResult, Tag};
use crate::state::AppState;

/// The presets routes.
pub(crate) struct PresetsApi;

/// Every preset of one randomizer.
#[derive(Debug, Object)]
struct PresetList {
    /// The global presets (files shipped with the bot), sorted.
    global: Vec<String>,
    /// Every user namespace holding at least one preset of this randomizer, sorted by name.
    namespaces: Vec<NamespacePresets>,
}

/// The presets of one randomizer in one user namespace.
#[derive(Debug, Object)]
struct NamespacePresets {
    /// The namespace.
    name: String,
    /// Its preset names, sorted.
    presets: Vec<String>,
}

/// One preset's YAML, as stored.
#[derive(Debug, Object)]
struct PresetText {
    /// The raw YAML text (not parsed).
    data: String,
    /// The reference as asked for.
    preset: String,
    /// The randomizer.
    randomizer: String,
}

fn game(randomizer: &str) -> ApiResult<Game> {
    Game::from_slug(randomizer).ok_or_else(|| {
        ApiError::not_found(format!(
            "unknown randomizer {randomizer}; known: alttpr, alttprmystery, ctjets, smz3, sm"
        ))
    })
}

/// The raw text of the global preset `name` of `game`, `None` when there is no such file.
async fn global_text(store: &PresetStore, game: Game, name: &str) -> ApiResult<Option<String>> {
    // A global name never holds `/` (that makes it a namespaced reference), so the file is
    // `<dir>/<game>/<name>.yaml` and cannot leave the game's directory.
    if name.contains(['/', '\\', '\0']) {
        return Ok(None);
    }
    let path = store.game_dir(game).join(format!("{name}.yaml"));
    match tokio::fs::read_to_string(&path).await {
        Ok(text) => Ok(Some(text)),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(ApiError::internal("a preset file cannot be read", &e)),
    }
}

/// The stored user preset `namespace/name` of `randomizer` (case-insensitive), with its
/// namespace.
async fn user_preset(
    state: &AppState,
    namespace: &str,
    randomizer: &str,
    name: &str,
) -> ApiResult<Option<(presetnamespaces::Model, presets::Model)>> {
    let Some(ns) = state
        .user_presets()
        .namespace(namespace)
        .await
        .map_err(|e| ApiError::internal("database error", &e))?
    else {
        return Ok(None);
    };
    let row = presets::Entity::find()
        .filter(presets::Column::NamespaceId.eq(ns.id))
        .filter(presets::Column::Randomizer.eq(randomizer))
        .filter(
            Expr::expr(Func::lower(Expr::col(presets::Column::PresetName))).eq(name.to_lowercase()),
        )
        .one(state.db())
        .await?;
    Ok(row.map(|row| (ns, row)))
}

#[OpenApi(tag = "Tag::Presets")]
impl PresetsApi {
    /// Preset names of a randomizer
    ///
    /// The global presets and, per user namespace, its presets of this randomizer (namespaces
    /// without one are left out). Names are sorted (the Python bot kept directory order).
    #[oai(path = "/presets/api/:randomizer/list", method = "get")]
    async fn list(
        &self,
        state: Data<&AppState>,
        /// `alttpr`, `alttprmystery`, `ctjets`, `smz3` or `sm`.
        randomizer: Path<String>,
    ) -> ApiResult<Json<PresetList>> {
        let game = game(&randomizer)?;
        let global = state
            .presets()
            .list(game)
            .map_err(|e| ApiError::internal("the preset directory cannot be read", &e))?;
        let rows = presets::Entity::find()
            .filter(presets::Column::Randomizer.eq(game.slug()))
            .order_by_asc(presets::Column::PresetName)
            .all(state.db())
            .await?;
        let ids: Vec<i32> = rows.iter().map(|r| r.namespace_id).collect();
        let names: BTreeMap<i32, String> = presetnamespaces::Entity::find()
            .filter(presetnamespaces::Column::Id.is_in(ids))
            .all(state.db())
            .await?
            .into_iter()
            .filter_map(|ns| ns.name.map(|name| (ns.id, name)))
            .collect();
        let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in rows {
            if let Some(ns) = names.get(&row.namespace_id) {
                grouped.entry(ns.clone()).or_default().push(row.preset_name);
            }
        }
        Ok(Json(PresetList {
            global,
            namespaces: grouped
                .into_iter()
                .map(|(name, presets)| NamespacePresets { name, presets })
                .collect(),
        }))
    }

    /// One preset's YAML
    ///
    /// `preset` is a global name (case kept) or `namespace/name` (a user preset, matched
    /// without regard to case). The YAML comes back as stored, a string. Unlike the Python bot
    /// (which answered `{}` with 200 and a 500 page without `preset`), an unknown preset is a
    /// 404 and a missing `preset` a 400.
    #[oai(path = "/presets/api/:randomizer", method = "get")]
    async fn get(
        &self,
        state: Data<&AppState>,
        /// `alttpr`, `alttprmystery`, `ctjets`, `smz3` or `sm`.
        randomizer: Path<String>,
        /// `name` or `namespace/name`.
        preset: Query<Option<String>>,
    ) -> ApiResult<Json<PresetText>> {
        let game = game(&randomizer)?;
        let reference = preset
            .0
            .filter(|p| !p.is_empty())
            .ok_or_else(|| ApiError::bad_request("the query parameter `preset` is required"))?;
        let data =
            match PresetRef::parse(&reference).map_err(|e| ApiError::bad_request(e.to_string()))? {
                PresetRef::Global(name) => global_text(state.presets(), game, &name).await?,
                PresetRef::Namespaced { namespace, name } => {
                    user_preset(&state, &namespace, game.slug(), &name)
                        .await?
                        .map(|(_, row)| row.content)
                }
            };
        let data = data
            .ok_or_else(|| ApiError::not_found(format!("no {} preset {reference}", game.slug())))?;
        Ok(Json(PresetText {
            data,
            preset: reference,
            randomizer: game.slug().to_owned(),
        }))
    }

    /// Download a user preset
    ///
    /// The stored YAML as `application/octet-stream`, saved as `<namespace>-<preset>.yaml`.
    /// An unknown namespace or preset is a 404 (the Python bot showed its 500 page).
    #[oai(
        path = "/presets/download/:namespace/:randomizer/:preset",
        method = "get"
    )]
    async fn download(
        &self,
        state: Data<&AppState>,
        /// The user namespace.
        namespace: Path<String>,
        /// The randomizer the preset belongs to.
        randomizer: Path<String>,
        /// The preset name.
        preset: Path<String>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let (ns, row) = user_preset(&state, &namespace, &randomizer, &preset)
            .await?
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no {} preset {}/{}",
                    randomizer.0, namespace.0, preset.0
                ))
            })?;
        let ns_name = ns.name.unwrap_or_else(|| namespace.0.clone());
        Ok(Attachment::new(row.content.into_bytes())
            .filename(format!("{ns_name}-{}.yaml", row.preset_name)))
    }
}
