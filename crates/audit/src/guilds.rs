//! What the audit bot knows of each guild to check permissions: the owner and every role's
//! permissions, from GUILD_CREATE and the role events (or fetched once over REST when an
//! event arrives before its guild).

use std::collections::HashMap;
use std::sync::RwLock;

use twilight_model::guild::{Permissions, Role};
use twilight_model::id::Id;
use twilight_model::id::marker::{GuildMarker, RoleMarker, UserMarker};

#[derive(Debug, Clone, Default)]
struct GuildInfo {
    owner: u64,
    /// Role id → permissions; `@everyone` has the guild's id.
    roles: HashMap<u64, Permissions>,
}

/// The guilds seen so far.
#[derive(Debug, Default)]
pub(crate) struct Guilds(RwLock<HashMap<u64, GuildInfo>>);

impl Guilds {
    /// Replaces what is known of a guild.
    pub(crate) fn set(&self, guild: Id<GuildMarker>, owner: Id<UserMarker>, roles: &[Role]) {
        let info = GuildInfo {
            owner: owner.get(),
            roles: roles.iter().map(|r| (r.id.get(), r.permissions)).collect(),
        };
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(guild.get(), info);
    }

    /// A role created or changed.
    pub(crate) fn set_role(&self, guild: Id<GuildMarker>, role: &Role) {
        if let Some(info) = self
            .0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&guild.get())
        {
            info.roles.insert(role.id.get(), role.permissions);
        }
    }

    /// A role deleted.
    pub(crate) fn remove_role(&self, guild: Id<GuildMarker>, role: Id<RoleMarker>) {
        if let Some(info) = self
            .0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&guild.get())
        {
            info.roles.remove(&role.get());
        }
    }

    /// Forgets a guild the bot left.
    pub(crate) fn remove(&self, guild: Id<GuildMarker>) {
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&guild.get());
    }

    /// A member's guild-level permissions (`@everyone` plus their roles; everything for the
    /// owner); `None` when the guild is not known yet.
    pub(crate) fn permissions(
        &self,
        guild: Id<GuildMarker>,
        user: Id<UserMarker>,
        roles: &[Id<RoleMarker>],
    ) -> Option<Permissions> {
        let guilds = self.0.read().unwrap_or_else(|e| e.into_inner());
        let info = guilds.get(&guild.get())?;
        if info.owner == user.get() {
            return Some(Permissions::all());
        }
        let mut perms = info
            .roles
            .get(&guild.get())
            .copied()
            .unwrap_or_else(Permissions::empty);
        for role in roles {
            perms |= info
                .roles
                .get(&role.get())
                .copied()
                .unwrap_or_else(Permissions::empty);
        }
        if perms.contains(Permissions::ADMINISTRATOR) {
            return Some(Permissions::all());
        }
        Some(perms)
    }
}

/// Members the moderation rules leave alone: Manage Guild, Moderate Members or
/// Administrator.
pub(crate) fn is_moderator(perms: Permissions) -> bool {
    perms.intersects(
        Permissions::MANAGE_GUILD | Permissions::MODERATE_MEMBERS | Permissions::ADMINISTRATOR,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(id: u64, perms: Permissions) -> Role {
        serde_json::from_value(serde_json::json!({
            "id": id.to_string(), "name": "r", "color": 0, "hoist": false, "managed": false,
            "mentionable": false, "position": 1, "flags": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "permissions": perms.bits().to_string(),
        }))
        .expect("role")
    }

    #[test]
    fn permissions_add_up_roles_and_the_owner_has_all() {
        let guilds = Guilds::default();
        let (g, owner) = (Id::new(10), Id::new(1));
        guilds.set(
            g,
            owner,
            &[
                role(10, Permissions::SEND_MESSAGES),
                role(20, Permissions::MODERATE_MEMBERS),
            ],
        );
        let plain = guilds.permissions(g, Id::new(2), &[]).expect("known");
        assert!(!is_moderator(plain));
        let moderator = guilds
            .permissions(g, Id::new(2), &[Id::new(20)])
            .expect("known");
        assert!(is_moderator(moderator));
        assert!(is_moderator(
            guilds.permissions(g, owner, &[]).expect("known")
        ));
        guilds.remove_role(g, Id::new(20));
        assert!(!is_moderator(
            guilds
                .permissions(g, Id::new(2), &[Id::new(20)])
                .expect("known")
        ));
        assert!(guilds.permissions(Id::new(11), owner, &[]).is_none());
    }
}
