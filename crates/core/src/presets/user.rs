//! User presets (core.md §1.2): namespaces owned by Discord users, with collaborators, and
//! the presets stored in them (`presetnamespaces`, `presetnamespacecollaborators`,
//! `presets`). Lookups are case-insensitive on every backend, as MySQL's collation made
//! them in the Python bot.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, SqlErr,
};

use super::mystery::PresetSource;
use super::{Game, Map, Preset, PresetError, PresetRef, PresetStore, Value};
use crate::Result;
use crate::db::entities::{presetnamespacecollaborators, presetnamespaces, presets};

/// The Discord user who may edit every namespace (the bot owner in the Python bot).
pub const SUPER_USER: i64 = 185_198_185_990_324_225;

/// The longest namespace slug made from a user name.
const SLUG_MAX: usize = 20;

/// How many random suffixes are tried when a user's slug is taken.
const SLUG_ATTEMPTS: usize = 5;

/// A namespace slug made from a Discord user name, as python-slugify made it: quotes
/// become dashes, text is transliterated to ASCII and lower-cased, commas between digits
/// dropped, every other run of non-alphanumerics becomes one `-`, dashes trimmed, cut to
/// 20 characters and trimmed again. A name with nothing left becomes `user`.
pub fn namespace_slug(user_name: &str) -> String {
    let quoted = user_name.replace('\'', "-");
    let ascii = deunicode::deunicode(&quoted)
        .to_lowercase()
        .replace('\'', "");
    let chars: Vec<char> = ascii.chars().collect();
    let mut slug = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let digit_comma = c == ','
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if digit_comma {
            continue;
        }
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let trimmed: String = slug.trim_matches('-').chars().take(SLUG_MAX).collect();
    let out = trimmed.trim_matches('-');
    if out.is_empty() {
        "user".to_owned()
    } else {
        out.to_owned()
    }
}

/// `LOWER(column) = value.to_lowercase()`: a case-insensitive match on every backend.
fn lower_eq(
    column: impl sea_orm::sea_query::IntoColumnRef,
    value: &str,
) -> sea_orm::sea_query::SimpleExpr {
    Expr::expr(Func::lower(Expr::col(column))).eq(value.to_lowercase())
}

/// User presets and namespaces in the database.
#[derive(Debug, Clone)]
pub struct UserPresets {
    db: DatabaseConnection,
}

impl UserPresets {
    /// The user preset store over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// The namespace called `name`, if any.
    pub async fn namespace(&self, name: &str) -> Result<Option<presetnamespaces::Model>> {
        Ok(presetnamespaces::Entity::find()
            .filter(lower_eq(presetnamespaces::Column::Name, name))
            .one(&self.db)
            .await?)
    }

    /// The user's namespace, created on first use from their user name
    /// ([`namespace_slug`]); when the slug is taken by someone else, a random number from
    /// 0 to 99 is appended (a few tries, then the error).
    pub async fn namespace_for_user(
        &self,
        discord_user_id: i64,
        user_name: &str,
    ) -> Result<presetnamespaces::Model> {
        let base = namespace_slug(user_name);
        let mut candidate = base.clone();
        let mut attempt = 0;
        loop {
            if let Some(ns) = presetnamespaces::Entity::find()
                .filter(presetnamespaces::Column::DiscordUserId.eq(discord_user_id))
                .one(&self.db)
                .await?
            {
                return Ok(ns);
            }
            let row = presetnamespaces::ActiveModel {
                id: ActiveValue::NotSet,
                name: ActiveValue::Set(Some(candidate.clone())),
                discord_user_id: ActiveValue::Set(discord_user_id),
            };
            match presetnamespaces::Entity::insert(row)
                .exec_with_returning(&self.db)
                .await
            {
                Ok(ns) => return Ok(ns),
                Err(e)
                    if attempt < SLUG_ATTEMPTS
                        && matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
                {
                    attempt += 1;
                    candidate = format!("{base}{}", rand::random::<u8>() % 100);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Whether `discord_user_id` may edit `namespace`: its owner, a collaborator, or
    /// [`SUPER_USER`].
    pub async fn is_owner(
        &self,
        namespace: &presetnamespaces::Model,
        discord_user_id: i64,
    ) -> Result<bool> {
        if namespace.discord_user_id == discord_user_id || discord_user_id == SUPER_USER {
            return Ok(true);
        }
        let collaborator = presetnamespacecollaborators::Entity::find()
            .filter(presetnamespacecollaborators::Column::NamespaceId.eq(namespace.id))
            .filter(presetnamespacecollaborators::Column::DiscordUserId.eq(discord_user_id))
            .one(&self.db)
            .await?;
        Ok(collaborator.is_some())
    }

    async fn require_namespace(&self, name: &str) -> Result<presetnamespaces::Model> {
        self.namespace(name).await?.ok_or_else(|| {
            PresetError::NamespaceNotFound {
                namespace: name.to_owned(),
            }
            .into()
        })
    }

    async fn row(
        &self,
        game: Game,
        namespace: &presetnamespaces::Model,
        name: &str,
    ) -> Result<Option<presets::Model>> {
        Ok(presets::Entity::find()
            .filter(presets::Column::NamespaceId.eq(namespace.id))
            .filter(presets::Column::Randomizer.eq(game.slug()))
            .filter(lower_eq(presets::Column::PresetName, name))
            .one(&self.db)
            .await?)
    }

    /// Loads the preset `name` of `game` from `namespace`.
    pub async fn get(&self, game: Game, namespace: &str, name: &str) -> Result<Preset> {
        let not_found = || PresetError::NotFoundInNamespace {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        };
        let Some(ns) = self.namespace(namespace).await? else {
            return Err(not_found().into());
        };
        let row = self.row(game, &ns, name).await?.ok_or_else(not_found)?;
        Ok(Preset::from_yaml(game, &row.preset_name, &row.content)?)
    }

    /// The names of `game`'s presets in `namespace`, sorted.
    pub async fn list(&self, game: Game, namespace: &str) -> Result<Vec<String>> {
        let ns = self.require_namespace(namespace).await?;
        let rows = presets::Entity::find()
            .filter(presets::Column::NamespaceId.eq(ns.id))
            .filter(presets::Column::Randomizer.eq(game.slug()))
            .order_by_asc(presets::Column::PresetName)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| r.preset_name).collect())
    }

    /// Stores `content` (YAML text, checked to load as a `game` preset first) as
    /// `reference` (`namespace/name`), replacing a preset of that name. The namespace must
    /// exist.
    ///
    /// # Errors
    /// [`PresetError::AttemptToSaveGlobalPreset`] for a reference without a namespace, the
    /// preset's own error when `content` does not load, [`PresetError::NamespaceNotFound`].
    pub async fn save(&self, game: Game, reference: &str, content: &str) -> Result<()> {
        let PresetRef::Namespaced { namespace, name } = PresetRef::parse(reference)? else {
            return Err(PresetError::AttemptToSaveGlobalPreset.into());
        };
        Preset::from_yaml(game, &name, content)?;
        let ns = self.require_namespace(&namespace).await?;
        let now = Utc::now().naive_utc();
        match self.row(game, &ns, &name).await? {
            Some(existing) => {
                let mut row: presets::ActiveModel = existing.into();
                row.content = ActiveValue::Set(content.to_owned());
                row.modified = ActiveValue::Set(now);
                presets::Entity::update(row).exec(&self.db).await?;
            }
            None => {
                presets::Entity::insert(presets::ActiveModel {
                    id: ActiveValue::NotSet,
                    preset_name: ActiveValue::Set(name),
                    content: ActiveValue::Set(content.to_owned()),
                    namespace_id: ActiveValue::Set(ns.id),
                    randomizer: ActiveValue::Set(game.slug().to_owned()),
                    generated_count: ActiveValue::Set(0),
                    modified: ActiveValue::Set(now),
                })
                .exec(&self.db)
                .await?;
            }
        }
        Ok(())
    }

    /// Deletes the preset `name` of `game` from `namespace`; returns whether it existed.
    pub async fn delete(&self, game: Game, namespace: &str, name: &str) -> Result<bool> {
        let ns = self.require_namespace(namespace).await?;
        let res = presets::Entity::delete_many()
            .filter(presets::Column::NamespaceId.eq(ns.id))
            .filter(presets::Column::Randomizer.eq(game.slug()))
            .filter(lower_eq(presets::Column::PresetName, name))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected > 0)
    }
}

/// The presets a mystery weightset may roll, for [`super::mystery::roll`]: global names
/// from the preset directory, and the `namespace/name` entries of the weightset's `preset`
/// weights loaded from the database beforehand (the roller itself does no I/O).
#[derive(Debug)]
pub struct MysteryPresets<'a> {
    files: &'a PresetStore,
    user: HashMap<String, Preset>,
}

impl<'a> MysteryPresets<'a> {
    /// Loads every user preset `weights` can roll. Missing ones are left out: the roll
    /// reports them only if it draws them.
    pub async fn load(files: &'a PresetStore, users: &UserPresets, weights: &Map) -> Result<Self> {
        let mut user = HashMap::new();
        let options = weights.get("preset").and_then(Value::as_map);
        for key in options.into_iter().flat_map(Map::keys) {
            let reference = key.key_string();
            if let Ok(PresetRef::Namespaced { namespace, name }) = PresetRef::parse(&reference) {
                match users.get(Game::Alttpr, &namespace, &name).await {
                    Ok(preset) => {
                        user.insert(reference.to_lowercase(), preset);
                    }
                    Err(crate::Error::Preset(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(Self { files, user })
    }
}

impl PresetSource for MysteryPresets<'_> {
    fn alttpr_preset(&self, reference: &str) -> Result<Preset, PresetError> {
        match PresetRef::parse(reference)? {
            PresetRef::Global(_) => self.files.fetch(Game::Alttpr, reference),
            PresetRef::Namespaced { namespace, name } => self
                .user
                .get(&reference.to_lowercase())
                .cloned()
                .ok_or(PresetError::NotFoundInNamespace { namespace, name }),
        }
    }
}

/// Loads a preset by reference from wherever it lives: a global name from the preset
/// directory, `namespace/name` from the database.
pub async fn fetch(
    files: &PresetStore,
    users: &UserPresets,
    game: Game,
    reference: &str,
) -> Result<Preset> {
    match PresetRef::parse(reference)? {
        PresetRef::Global(_) => Ok(files.fetch(game, reference)?),
        PresetRef::Namespaced { namespace, name } => users.get(game, &namespace, &name).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_python_slugify() {
        assert_eq!(namespace_slug("Synack"), "synack");
        assert_eq!(namespace_slug("Bob X"), "bob-x");
        assert_eq!(namespace_slug("  --Zelda__Fan!!  "), "zelda-fan");
        assert_eq!(namespace_slug("O'Brien"), "o-brien");
        assert_eq!(namespace_slug("Ünïcödé Ñame"), "unicode-name");
        assert_eq!(namespace_slug("1,000 runs"), "1000-runs");
        assert_eq!(
            namespace_slug("abcdefghijklmnopqrs tuvwxyz"),
            "abcdefghijklmnopqrs"
        );
        assert_eq!(
            namespace_slug("a very long name indeed yes"),
            "a-very-long-name-ind"
        );
        assert_eq!(namespace_slug("!!!"), "user");
    }
}
