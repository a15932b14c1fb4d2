//! The `inquiry` group (`discord.md` §2.13): `/inquiry role` posts a message whose 📬
//! button lets members open a private thread with the members of a role.
//!
//! Flow: 📬 (`sahasrahbot:open_inquiry`, persistent) → an ephemeral confirmation whose
//! "Yes!" button works for one minute (its `custom_id` carries the inquiry message and the
//! expiry) → the "Open Inquiry" modal → a private thread with the submitter and every
//! member of the role, and the summary posted in it with no mentions parsed. The role is
//! always read from `inquirymessageconfig`, never from a `custom_id`.

use rand::Rng as _;
use sahasrahbot_core::db::entities::inquirymessageconfig as configs;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use twilight_model::application::command::{Command, CommandType};
use twilight_model::application::interaction::InteractionContextType;
use twilight_model::application::interaction::InteractionData;
use twilight_model::application::interaction::modal::ModalInteractionComponent;
use twilight_model::channel::ChannelType;
use twilight_model::channel::message::component::{
    ActionRow, Button, ButtonStyle, Component, TextInput, TextInputStyle,
};
use twilight_model::channel::message::{AllowedMentions, EmojiReactionType, MessageFlags};
use twilight_model::channel::thread::AutoArchiveDuration;
use twilight_model::guild::Permissions;
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
use twilight_model::id::Id;
use twilight_model::id::marker::{GuildMarker, RoleMarker, UserMarker};
use twilight_util::builder::command::{CommandBuilder, RoleBuilder};

use super::db_id;
use crate::context::{Ctx, Options};
use crate::errors::Error;
use crate::{Result, users_only_mentions};

/// The persistent 📬 button of inquiry messages.
pub const OPEN_INQUIRY_ID: &str = "sahasrahbot:open_inquiry";
/// Prefix of the one-minute "Yes!" button: `{prefix}{message id}:{expiry unix seconds}`.
pub const CONFIRM_PREFIX: &str = "sahasrahbot:inquiry_yes:";
/// Prefix of the "Open Inquiry" modal: `{prefix}{message id}`.
pub const MODAL_PREFIX: &str = "sahasrahbot:inquiry_modal:";
/// How long the "Yes!" button works.
pub const CONFIRM_SECONDS: i64 = 60;
/// The modal's text input.
const SUMMARY_ID: &str = "description";
/// Bounds of the summary.
const SUMMARY_MIN: u16 = 10;
const SUMMARY_MAX: u16 = 200;
/// Members per page of the member list.
const MEMBERS_PAGE: u16 = 1000;

/// `/inquiry role`: guild only, shown to members who can manage threads.
pub fn inquiry_command() -> Command {
    CommandBuilder::new(
        "inquiry",
        "Adds a message that lets members open a private inquiry thread.",
        CommandType::ChatInput,
    )
    .contexts([InteractionContextType::Guild])
    .default_member_permissions(Permissions::MANAGE_THREADS)
    .option(
        RoleBuilder::new("role", "The role whose members join each inquiry thread.").required(true),
    )
    .build()
}

/// Applies a channel's overwrite for `id` (deny, then allow) to `permissions`.
fn apply_overwrite(
    permissions: Permissions,
    overwrites: &[twilight_model::channel::permission_overwrite::PermissionOverwrite],
    id: u64,
) -> Permissions {
    overwrites
        .iter()
        .find(|o| o.id.get() == id)
        .map_or(permissions, |o| (permissions - o.deny) | o.allow)
}

/// What `@everyone` and `role` may do in a channel, from the guild's roles and the
/// channel's overwrites (as Discord computes it for a role alone).
pub fn channel_permissions(
    everyone: Permissions,
    role: Option<Permissions>,
    overwrites: &[twilight_model::channel::permission_overwrite::PermissionOverwrite],
    guild_id: u64,
    role_id: Option<u64>,
) -> Permissions {
    let base = everyone | role.unwrap_or_else(Permissions::empty);
    if base.contains(Permissions::ADMINISTRATOR) {
        return Permissions::all();
    }
    let mut permissions = apply_overwrite(base, overwrites, guild_id);
    if let Some(role_id) = role_id {
        permissions = apply_overwrite(permissions, overwrites, role_id);
    }
    permissions
}

/// `/inquiry role`: checks the five preconditions in the original's order (each failure
/// an ephemeral message), then posts the public inquiry message with the 📬 button and
/// records its role.
pub(crate) async fn inquiry(ctx: &Ctx, options: &Options) -> Result<()> {
    let guild = ctx.require_guild()?;
    let channel = ctx.require_channel()?;
    let role_id = options
        .id("role")
        .ok_or_else(|| Error::BadOption("The option `role` is required.".to_owned()))?;
    let refuse = |text: String| ctx.reply(Some(text), Vec::new(), true);

    let invoker = ctx
        .interaction
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .unwrap_or_else(Permissions::empty);
    if !invoker.contains(Permissions::MANAGE_THREADS)
        && !invoker.contains(Permissions::ADMINISTRATOR)
    {
        return refuse(
            "You need the Manage Threads permission in this channel to set up inquiries."
                .to_owned(),
        )
        .await;
    }
    let bot = ctx
        .interaction
        .app_permissions
        .unwrap_or_else(Permissions::empty);
    if !bot.contains(Permissions::CREATE_PRIVATE_THREADS)
        && !bot.contains(Permissions::ADMINISTRATOR)
    {
        return refuse("I need the Create Private Threads permission in this channel.".to_owned())
            .await;
    }
    let roles = ctx.bot.http.roles(guild).await?.models().await?;
    let overwrites = ctx
        .bot
        .http
        .channel(channel)
        .await?
        .model()
        .await?
        .permission_overwrites
        .unwrap_or_default();
    let everyone_base = roles
        .iter()
        .find(|r| r.id.get() == guild.get())
        .map_or_else(Permissions::empty, |r| r.permissions);
    let everyone = channel_permissions(everyone_base, None, &overwrites, guild.get(), None);
    if everyone.contains(Permissions::SEND_MESSAGES) {
        return refuse("`@everyone` must not be able to send messages in this channel.".to_owned())
            .await;
    }
    if !everyone.contains(Permissions::SEND_MESSAGES_IN_THREADS) {
        return refuse(
            "`@everyone` must be able to send messages in threads of this channel.".to_owned(),
        )
        .await;
    }
    let role_base = roles
        .iter()
        .find(|r| r.id.get() == role_id)
        .map(|r| r.permissions);
    let role_perms = channel_permissions(
        everyone_base,
        role_base,
        &overwrites,
        guild.get(),
        Some(role_id),
    );
    if !role_perms.contains(Permissions::VIEW_CHANNEL) {
        return refuse(format!("<@&{role_id}> cannot see this channel.")).await;
    }

    let content = format!(
        "To **open an inquiry**, click 📬 below, then confirm with the \"Yes!\" button of the \
         next message.\n\nThe inquiry will be visible to the members of <@&{role_id}>.\n\n\
         Thanks!"
    );
    let message = ctx
        .reply_and_fetch(InteractionResponseData {
            content: Some(content),
            components: Some(vec![row(button(
                OPEN_INQUIRY_ID,
                "Open New Inquiry",
                ButtonStyle::Primary,
                Some("📬"),
            ))]),
            ..Default::default()
        })
        .await?;
    configs::ActiveModel {
        message_id: Set(db_id(message.id.get())?),
        role_id: Set(db_id(role_id)?),
    }
    .insert(&ctx.bot.deps.db)
    .await?;
    tracing::info!(message = %message.id, role = role_id, "inquiry message posted");
    Ok(())
}

/// A button with an optional Unicode emoji.
pub(crate) fn button(
    custom_id: &str,
    label: &str,
    style: ButtonStyle,
    emoji: Option<&str>,
) -> Component {
    Component::Button(Button {
        custom_id: Some(custom_id.to_owned()),
        disabled: false,
        emoji: emoji.map(|name| EmojiReactionType::Unicode {
            name: name.to_owned(),
        }),
        label: Some(label.to_owned()),
        style,
        url: None,
        sku_id: None,
        id: None,
    })
}

/// An action row holding one component.
pub(crate) fn row(component: Component) -> Component {
    Component::ActionRow(ActionRow {
        components: vec![component],
        id: None,
    })
}

/// The role of the inquiry message `message_id`.
async fn role_of(ctx: &Ctx, message_id: u64) -> Result<u64> {
    let row = configs::Entity::find_by_id(db_id(message_id)?)
        .one(&ctx.bot.deps.db)
        .await?
        .ok_or_else(|| {
            Error::BadOption("This inquiry message is not set up any more.".to_owned())
        })?;
    u64::try_from(row.role_id)
        .map_err(|_| Error::BadOption("This inquiry message has no valid role.".to_owned()))
}

/// 📬: an ephemeral confirmation with a red "Yes!" button that works for one minute.
pub(crate) async fn open_inquiry(ctx: &Ctx) -> Result<()> {
    let message_id = ctx
        .interaction
        .message
        .as_ref()
        .map(|m| m.id.get())
        .ok_or_else(|| Error::BadOption("This button is not on a message.".to_owned()))?;
    let role_id = role_of(ctx, message_id).await?;
    let expires = chrono::Utc::now().timestamp() + CONFIRM_SECONDS;
    let content = format!(
        "This opens a private thread with <@&{role_id}>. Are you sure?\n\nThis message stops \
         working after one minute.\nIf you clicked by mistake, just dismiss this message. \
         Thanks!"
    );
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::ChannelMessageWithSource,
        data: Some(InteractionResponseData {
            content: Some(content),
            components: Some(vec![row(button(
                &format!("{CONFIRM_PREFIX}{message_id}:{expires}"),
                "Yes!",
                ButtonStyle::Danger,
                None,
            ))]),
            flags: Some(MessageFlags::EPHEMERAL),
            allowed_mentions: Some(users_only_mentions()),
            ..Default::default()
        }),
    })
    .await
}

/// "Yes!": the "Open Inquiry" modal, while the button is live.
pub(crate) async fn confirm(ctx: &Ctx, message_id: u64, expires: i64) -> Result<()> {
    if chrono::Utc::now().timestamp() > expires {
        return ctx
            .reply(
                Some("This button is no longer active.".to_owned()),
                Vec::new(),
                true,
            )
            .await;
    }
    role_of(ctx, message_id).await?;
    let input = Component::TextInput(TextInput {
        custom_id: SUMMARY_ID.to_owned(),
        #[allow(deprecated, reason = "the label of a text input in an action row")]
        label: Some("Brief Summary".to_owned()),
        max_length: Some(SUMMARY_MAX),
        min_length: Some(SUMMARY_MIN),
        placeholder: Some("Please summarise your inquiry in a few words.".to_owned()),
        required: Some(true),
        style: TextInputStyle::Short,
        value: None,
        id: None,
    });
    ctx.respond(InteractionResponse {
        kind: InteractionResponseType::Modal,
        data: Some(InteractionResponseData {
            custom_id: Some(format!("{MODAL_PREFIX}{message_id}")),
            title: Some("Open Inquiry".to_owned()),
            components: Some(vec![row(input)]),
            ..Default::default()
        }),
    })
    .await
}

/// The value of the modal's text input `id`.
pub(crate) fn modal_value(ctx: &Ctx, id: &str) -> Option<String> {
    fn find(components: &[ModalInteractionComponent], id: &str) -> Option<String> {
        components.iter().find_map(|c| match c {
            ModalInteractionComponent::ActionRow(row) => find(&row.components, id),
            ModalInteractionComponent::Label(label) => {
                find(std::slice::from_ref(&*label.component), id)
            }
            ModalInteractionComponent::TextInput(input) if input.custom_id == id => {
                Some(input.value.clone())
            }
            _ => None,
        })
    }
    match &ctx.interaction.data {
        Some(InteractionData::ModalSubmit(data)) => find(&data.components, id),
        _ => None,
    }
}

/// Every member of `guild` who has `role`, paging through the member list.
async fn role_members(
    ctx: &Ctx,
    guild: Id<GuildMarker>,
    role: Id<RoleMarker>,
) -> Result<Vec<Id<UserMarker>>> {
    let mut found = Vec::new();
    let mut after: Option<Id<UserMarker>> = None;
    loop {
        let mut request = ctx.bot.http.guild_members(guild).limit(MEMBERS_PAGE);
        if let Some(after) = after {
            request = request.after(after);
        }
        let page = request.await?.models().await?;
        found.extend(
            page.iter()
                .filter(|m| m.roles.contains(&role))
                .map(|m| m.user.id),
        );
        match page.last() {
            Some(last) if page.len() == usize::from(MEMBERS_PAGE) => after = Some(last.user.id),
            _ => return Ok(found),
        }
    }
}

/// The modal's submission: a private thread (archived after a day of inactivity) with the
/// submitter, an ephemeral link to it, every member of the role added, then the summary
/// posted with no mentions parsed.
pub(crate) async fn submit(ctx: &Ctx, message_id: u64) -> Result<()> {
    let guild = ctx.require_guild()?;
    let channel = ctx.require_channel()?;
    let role_id = role_of(ctx, message_id).await?;
    let role = Id::<RoleMarker>::new_checked(role_id)
        .ok_or_else(|| Error::BadOption("This inquiry message has no valid role.".to_owned()))?;
    let summary = modal_value(ctx, SUMMARY_ID).unwrap_or_default();
    let length = summary.chars().count();
    if length < usize::from(SUMMARY_MIN) || length > usize::from(SUMMARY_MAX) {
        return Err(Error::BadOption(format!(
            "The summary must have {SUMMARY_MIN} to {SUMMARY_MAX} characters."
        )));
    }
    let user = ctx
        .user_id()
        .ok_or_else(|| Error::BadOption("No user on this interaction.".to_owned()))?;
    let name = format!(
        "Inquiry {} {}",
        ctx.user_name(),
        rand::thread_rng().gen_range(0..1000)
    );
    let thread = ctx
        .bot
        .http
        .create_thread(channel, &name, ChannelType::PrivateThread)
        .auto_archive_duration(AutoArchiveDuration::Day)
        .await?
        .model()
        .await?;
    ctx.bot.http.add_thread_member(thread.id, user).await?;
    ctx.reply(
        Some(format!(
            "A new thread called <#{}> has been opened for this inquiry.",
            thread.id
        )),
        Vec::new(),
        true,
    )
    .await?;
    for member in role_members(ctx, guild, role).await? {
        if member != user {
            ctx.bot.http.add_thread_member(thread.id, member).await?;
        }
    }
    ctx.bot
        .http
        .create_message(thread.id)
        .content(&format!(
            "<@{user}> has opened an inquiry.\n\n**Description:** {summary}"
        ))
        .allowed_mentions(Some(&AllowedMentions::default()))
        .await?;
    tracing::info!(thread = %thread.id, role = role_id, "inquiry opened");
    Ok(())
}

#[cfg(test)]
mod tests {
    use twilight_model::channel::permission_overwrite::{
        PermissionOverwrite, PermissionOverwriteType,
    };

    use super::*;

    fn overwrite(id: u64, allow: Permissions, deny: Permissions) -> PermissionOverwrite {
        PermissionOverwrite {
            allow,
            deny,
            id: Id::new(id),
            kind: PermissionOverwriteType::Role,
        }
    }

    #[test]
    fn overwrites_deny_then_allow_everyone_then_the_role() {
        let everyone = Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES;
        let overwrites = [
            overwrite(
                1,
                Permissions::SEND_MESSAGES_IN_THREADS,
                Permissions::SEND_MESSAGES | Permissions::VIEW_CHANNEL,
            ),
            overwrite(7, Permissions::VIEW_CHANNEL, Permissions::empty()),
        ];
        let e = channel_permissions(everyone, None, &overwrites, 1, None);
        assert!(!e.contains(Permissions::SEND_MESSAGES));
        assert!(!e.contains(Permissions::VIEW_CHANNEL));
        assert!(e.contains(Permissions::SEND_MESSAGES_IN_THREADS));
        let r = channel_permissions(
            everyone,
            Some(Permissions::empty()),
            &overwrites,
            1,
            Some(7),
        );
        assert!(r.contains(Permissions::VIEW_CHANNEL));
        let other = channel_permissions(
            everyone,
            Some(Permissions::empty()),
            &overwrites,
            1,
            Some(8),
        );
        assert!(!other.contains(Permissions::VIEW_CHANNEL));
        let admin = channel_permissions(
            everyone,
            Some(Permissions::ADMINISTRATOR),
            &overwrites,
            1,
            Some(8),
        );
        assert_eq!(admin, Permissions::all());
    }
}
