//! [`EmojiCache`]: the custom emojis the bot can see, by name, filled from the gateway
//! (GUILD_CREATE, GUILD_EMOJIS_UPDATE) and read by the seed embeds — the bot's own and,
//! through [`DiscordDirectory`](crate::DiscordDirectory), the tournament engine's.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use twilight_model::id::Id;
use twilight_model::id::marker::EmojiMarker;

/// An emoji's id and whether it is animated.
type EmojiEntry = (Id<EmojiMarker>, bool);

/// Shared emoji table; clones share it.
#[derive(Debug, Clone, Default)]
pub struct EmojiCache {
    inner: Arc<RwLock<HashMap<String, EmojiEntry>>>,
}

impl EmojiCache {
    /// Records an emoji seen in a guild; `replace` says whether a known name takes the new
    /// id (an emoji update) or keeps the first one seen (a guild joined).
    pub(crate) fn insert(&self, name: &str, id: Id<EmojiMarker>, animated: bool, replace: bool) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if replace {
            map.insert(name.to_owned(), (id, animated));
        } else {
            map.entry(name.to_owned()).or_insert((id, animated));
        }
    }

    /// The id of the emoji called `name`.
    pub(crate) fn id(&self, name: &str) -> Option<Id<EmojiMarker>> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.get(name).map(|(id, _)| *id)
    }

    /// `<:name:id>` (or `<a:name:id>` when animated) for an emoji the bot can see.
    pub fn mention(&self, name: &str) -> Option<String> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.get(name).map(|(id, animated)| {
            if *animated {
                format!("<a:{name}:{id}>")
            } else {
                format!("<:{name}:{id}>")
            }
        })
    }

    /// The CDN URL of an emoji the bot can see.
    pub fn url(&self, name: &str) -> Option<String> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.get(name).map(|(id, animated)| {
            let ext = if *animated { "gif" } else { "png" };
            format!("https://cdn.discordapp.com/emojis/{id}.{ext}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_seen_wins_unless_replaced_and_clones_share() {
        let cache = EmojiCache::default();
        let other = cache.clone();
        cache.insert("GoFast", Id::new(1), false, false);
        cache.insert("GoFast", Id::new(2), false, false);
        assert_eq!(other.mention("GoFast").as_deref(), Some("<:GoFast:1>"));
        cache.insert("GoFast", Id::new(3), true, true);
        assert_eq!(other.mention("GoFast").as_deref(), Some("<a:GoFast:3>"));
        assert_eq!(
            other.url("GoFast").as_deref(),
            Some("https://cdn.discordapp.com/emojis/3.gif")
        );
        assert_eq!(other.mention("Nope"), None);
    }
}
