//! One interaction being handled: options, responding (reply, defer, follow-up), and the
//! error path of §1.7.

use std::sync::Arc;

use sahasrahbot_core::reference::reference_id;
use tokio::sync::Mutex;
use tracing::Instrument as _;
use twilight_model::application::command::CommandOptionChoice;
use twilight_model::application::interaction::application_command::{
    CommandData, CommandDataOption, CommandOptionValue,
};
use twilight_model::application::interaction::{Interaction, InteractionData, InteractionType};
use twilight_model::channel::message::{Embed, Message, MessageFlags};
use twilight_model::guild::Permissions;
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GuildMarker, RoleMarker, UserMarker};

use crate::errors::{Error, user_message};
use crate::{Bot, Result, commands, components, users_only_mentions};

/// The largest attachment a command downloads.
const MAX_ATTACHMENT_BYTES: u64 = 1024 * 1024;

/// How far the interaction has been answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answered {
    No,
    Deferred { ephemeral: bool },
    Replied,
}

/// The options of a command, flattened past its subcommand (group).
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// `group subcommand` path after the command name (empty for a plain command).
    pub(crate) path: Vec<String>,
    values: Vec<CommandDataOption>,
}

impl Options {
    pub(crate) fn from_data(data: &CommandData) -> Self {
        let mut path = Vec::new();
        let mut values = data.options.clone();
        loop {
            let next = match values.first() {
                Some(CommandDataOption {
                    name,
                    value:
                        CommandOptionValue::SubCommand(inner)
                        | CommandOptionValue::SubCommandGroup(inner),
                }) => Some((name.clone(), inner.clone())),
                _ => None,
            };
            match next {
                Some((name, inner)) => {
                    path.push(name);
                    values = inner;
                }
                None => break,
            }
        }
        Self { path, values }
    }

    fn get(&self, name: &str) -> Option<&CommandOptionValue> {
        self.values
            .iter()
            .find(|o| o.name == name)
            .map(|o| &o.value)
    }

    /// A string option.
    pub(crate) fn string(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(CommandOptionValue::String(s) | CommandOptionValue::Focused(s, _)) => Some(s),
            _ => None,
        }
    }

    /// A required string option.
    pub(crate) fn required_string(&self, name: &str) -> Result<&str> {
        self.string(name)
            .ok_or_else(|| Error::BadOption(format!("The option `{name}` is required.")))
    }

    /// A yes/no choice option (`yes` / `no`), with its default.
    pub(crate) fn yes_no(&self, name: &str, default: bool) -> Result<bool> {
        match self.string(name) {
            None => Ok(default),
            Some("yes") => Ok(true),
            Some("no") => Ok(false),
            Some(other) => Err(Error::BadOption(format!(
                "`{other}` is not a valid value for `{name}`: choose Yes or No."
            ))),
        }
    }

    /// A boolean option.
    pub(crate) fn boolean(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some(CommandOptionValue::Boolean(b)) => Some(*b),
            _ => None,
        }
    }

    /// An integer option.
    pub(crate) fn integer(&self, name: &str) -> Option<i64> {
        match self.get(name) {
            Some(CommandOptionValue::Integer(i)) => Some(*i),
            _ => None,
        }
    }

    /// An attachment option: the attachment's id.
    pub(crate) fn attachment(
        &self,
        name: &str,
    ) -> Option<Id<twilight_model::id::marker::AttachmentMarker>> {
        match self.get(name) {
            Some(CommandOptionValue::Attachment(id)) => Some(*id),
            _ => None,
        }
    }

    /// A channel, role, user or mentionable option: the id it names.
    pub(crate) fn id(&self, name: &str) -> Option<u64> {
        match self.get(name) {
            Some(CommandOptionValue::Channel(id)) => Some(id.get()),
            Some(CommandOptionValue::Role(id)) => Some(id.get()),
            Some(CommandOptionValue::User(id)) => Some(id.get()),
            Some(CommandOptionValue::Mentionable(id)) => Some(id.get()),
            _ => None,
        }
    }

    /// A channel option.
    pub(crate) fn channel(&self, name: &str) -> Option<Id<ChannelMarker>> {
        match self.get(name) {
            Some(CommandOptionValue::Channel(id)) => Some(*id),
            _ => None,
        }
    }

    /// A required role option.
    pub(crate) fn role(&self, name: &str) -> Result<Id<RoleMarker>> {
        match self.get(name) {
            Some(CommandOptionValue::Role(id)) => Ok(*id),
            _ => Err(Error::BadOption(format!(
                "The option `{name}` must be a role."
            ))),
        }
    }

    /// The focused option of an autocomplete: name and typed text.
    pub(crate) fn focused(&self) -> Option<(&str, &str)> {
        self.values.iter().find_map(|o| match &o.value {
            CommandOptionValue::Focused(text, _) => Some((o.name.as_str(), text.as_str())),
            _ => None,
        })
    }
}

/// A command or component interaction being handled.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) bot: Arc<Bot>,
    pub(crate) interaction: Interaction,
    answered: Mutex<Answered>,
}

impl Ctx {
    pub(crate) fn new(bot: Arc<Bot>, interaction: Interaction) -> Self {
        Self {
            bot,
            interaction,
            answered: Mutex::new(Answered::No),
        }
    }

    pub(crate) fn guild_id(&self) -> Option<Id<GuildMarker>> {
        self.interaction.guild_id
    }

    pub(crate) fn user_id(&self) -> Option<Id<UserMarker>> {
        self.interaction.author_id()
    }

    /// The guild the interaction came from; refused outside a server.
    pub(crate) fn require_guild(&self) -> Result<Id<GuildMarker>> {
        self.guild_id().ok_or_else(|| {
            Error::Forbidden("This command can only be used in a server.".to_owned())
        })
    }

    /// The channel the interaction came from.
    pub(crate) fn require_channel(&self) -> Result<Id<ChannelMarker>> {
        self.interaction
            .channel
            .as_ref()
            .map(|c| c.id)
            .ok_or_else(|| Error::BadOption("This can only be used in a channel.".to_owned()))
    }

    /// Refuses unless the invoker has the Administrator permission in this guild or owns
    /// the application. Discord hides admin commands from others through
    /// `default_member_permissions`; this is the server-side check behind it.
    pub(crate) fn require_admin(&self) -> Result<()> {
        let is_admin = self
            .interaction
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.contains(Permissions::ADMINISTRATOR));
        let is_owner = self.user_id().is_some_and(|u| self.bot.is_owner(u));
        if is_admin || is_owner {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "You must be an administrator of this server to use this command.".to_owned(),
            ))
        }
    }

    /// Downloads the attachment of option `name` as UTF-8 text (at most 1 MiB).
    pub(crate) async fn attachment_text(&self, options: &Options, name: &str) -> Result<String> {
        let missing = || Error::BadOption(format!("The option `{name}` needs a file."));
        let id = options.attachment(name).ok_or_else(missing)?;
        let attachment = match &self.interaction.data {
            Some(InteractionData::ApplicationCommand(data)) => data
                .resolved
                .as_ref()
                .and_then(|r| r.attachments.get(&id))
                .cloned(),
            _ => None,
        }
        .ok_or_else(missing)?;
        if attachment.size > MAX_ATTACHMENT_BYTES {
            return Err(Error::BadOption(format!(
                "{} is too large (at most 1 MiB).",
                attachment.filename
            )));
        }
        let unavailable = |reason: String| Error::External {
            service: "Discord's file storage",
            reason,
        };
        let response = self
            .bot
            .web
            .get(&attachment.url)
            .send()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(unavailable(format!("HTTP {}", response.status())));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| Error::BadOption(format!("{} is not a text file.", attachment.filename)))
    }

    /// The invoker's user name.
    pub(crate) fn user_name(&self) -> String {
        self.interaction
            .author()
            .map_or_else(String::new, |u| u.name.clone())
    }

    async fn callback(&self, response: InteractionResponse) -> Result<()> {
        self.bot
            .http
            .interaction(self.bot.application_id)
            .create_response(self.interaction.id, &self.interaction.token, &response)
            .await?;
        Ok(())
    }

    /// Replies with a message (callback type 4).
    pub(crate) async fn reply(
        &self,
        content: Option<String>,
        embeds: Vec<Embed>,
        ephemeral: bool,
    ) -> Result<()> {
        let data = InteractionResponseData {
            content,
            embeds: (!embeds.is_empty()).then_some(embeds),
            flags: ephemeral.then_some(MessageFlags::EPHEMERAL),
            allowed_mentions: Some(users_only_mentions()),
            ..Default::default()
        };
        self.callback(InteractionResponse {
            kind: InteractionResponseType::ChannelMessageWithSource,
            data: Some(data),
        })
        .await?;
        *self.answered.lock().await = Answered::Replied;
        Ok(())
    }

    /// Defers (callback type 5, "thinking"): needed before anything that may take more
    /// than Discord's 3 seconds, such as a seed provider.
    pub(crate) async fn defer(&self, ephemeral: bool) -> Result<()> {
        self.callback(InteractionResponse {
            kind: InteractionResponseType::DeferredChannelMessageWithSource,
            data: Some(InteractionResponseData {
                flags: ephemeral.then_some(MessageFlags::EPHEMERAL),
                ..Default::default()
            }),
        })
        .await?;
        *self.answered.lock().await = Answered::Deferred { ephemeral };
        Ok(())
    }

    /// Sends a follow-up message (after a defer it replaces the "thinking" placeholder and
    /// keeps the defer's visibility).
    pub(crate) async fn followup(&self, content: Option<&str>, embeds: &[Embed]) -> Result<()> {
        let client = self.bot.http.interaction(self.bot.application_id);
        let mut request = client
            .create_followup(&self.interaction.token)
            .embeds(embeds);
        if let Some(content) = content {
            request = request.content(content);
        }
        request.await?;
        *self.answered.lock().await = Answered::Replied;
        Ok(())
    }

    /// Sends a callback of any kind (a message with components, a modal, a deferred
    /// update, an update of the clicked message) and records the interaction as answered.
    pub(crate) async fn respond(&self, response: InteractionResponse) -> Result<()> {
        self.callback(response).await?;
        *self.answered.lock().await = Answered::Replied;
        Ok(())
    }

    /// Replies publicly with `data` (callback type 4, only users pinged) and reads the
    /// posted message back, for a message that buttons or later edits refer to by id.
    pub(crate) async fn reply_and_fetch(&self, data: InteractionResponseData) -> Result<Message> {
        self.respond(InteractionResponse {
            kind: InteractionResponseType::ChannelMessageWithSource,
            data: Some(InteractionResponseData {
                allowed_mentions: Some(users_only_mentions()),
                ..data
            }),
        })
        .await?;
        Ok(self
            .bot
            .http
            .interaction(self.bot.application_id)
            .response(&self.interaction.token)
            .await?
            .model()
            .await?)
    }

    /// Sends an ephemeral follow-up message (after a reply or a deferred update).
    pub(crate) async fn followup_ephemeral(&self, content: &str) -> Result<()> {
        self.bot
            .http
            .interaction(self.bot.application_id)
            .create_followup(&self.interaction.token)
            .content(content)
            .flags(MessageFlags::EPHEMERAL)
            .await?;
        Ok(())
    }

    /// An ephemeral text in any state of the interaction: the reply when nothing was sent
    /// yet, otherwise a follow-up (after a public defer it takes the defer's place and is
    /// public, as Discord does).
    pub(crate) async fn tell(&self, text: &str) -> Result<()> {
        let answered = *self.answered.lock().await;
        match answered {
            Answered::No => self.reply(Some(text.to_owned()), Vec::new(), true).await,
            Answered::Deferred { .. } => self.followup(Some(text), &[]).await,
            Answered::Replied => self.followup_ephemeral(text).await,
        }
    }

    /// Answers an autocomplete (callback type 8).
    pub(crate) async fn autocomplete(&self, choices: Vec<CommandOptionChoice>) -> Result<()> {
        self.callback(InteractionResponse {
            kind: InteractionResponseType::ApplicationCommandAutocompleteResult,
            data: Some(InteractionResponseData {
                choices: Some(choices),
                ..Default::default()
            }),
        })
        .await
    }

    /// Shows `error` to the user: an ephemeral reply when nothing was sent yet, otherwise
    /// the original response is edited (after a public defer the error is public, as the
    /// original bot's users saw it). Logged with the same reference id.
    pub(crate) async fn report_error(&self, error: &Error, command: &str) {
        let reference = reference_id();
        let expected = matches!(
            error,
            Error::BadOption(_)
                | Error::Forbidden(_)
                | Error::Preset(_)
                | Error::HolyImageNotFound(_)
        ) || error.is_refusal();
        if expected {
            tracing::info!(reference = %reference, command, error = %error, "command refused");
        } else {
            tracing::error!(reference = %reference, command, error = ?error, "command failed");
        }
        let emoji = match self.guild_id() {
            Some(_) => self.bot.emoji("RIPLink"),
            None => None,
        };
        let text = user_message(error, emoji.as_deref(), &reference);
        let answered = *self.answered.lock().await;
        let sent = match answered {
            Answered::No => self.reply(Some(text), Vec::new(), true).await,
            Answered::Deferred { .. } | Answered::Replied => self
                .bot
                .http
                .interaction(self.bot.application_id)
                .update_response(&self.interaction.token)
                .content(Some(&text))
                .await
                .map(|_| ())
                .map_err(Error::from),
        };
        if let Err(e) = sent {
            tracing::warn!(reference = %reference, error = %e, "could not show the error to the user");
        }
    }
}

/// Handles one INTERACTION_CREATE: commands and autocompletes through the dispatch table,
/// components through the `custom_id` router.
pub(crate) async fn handle(bot: Arc<Bot>, interaction: Interaction) {
    let guild = interaction
        .guild_id
        .map_or_else(|| "dm".to_owned(), |g| g.to_string());
    let (name, options) = match &interaction.data {
        Some(InteractionData::ApplicationCommand(data)) => {
            let options = Options::from_data(data);
            let mut name = data.name.clone();
            for part in &options.path {
                name.push(' ');
                name.push_str(part);
            }
            (name, options)
        }
        Some(InteractionData::MessageComponent(data)) => {
            (format!("component {}", data.custom_id), Options::default())
        }
        Some(InteractionData::ModalSubmit(data)) => {
            (format!("modal {}", data.custom_id), Options::default())
        }
        _ => ("unknown".to_owned(), Options::default()),
    };
    let span = tracing::info_span!("interaction", guild = %guild, command = %name);
    async move {
        let kind = interaction.kind;
        let ctx = Ctx::new(bot, interaction);
        let result = match kind {
            InteractionType::ApplicationCommand => commands::dispatch(&ctx, &options).await,
            InteractionType::ApplicationCommandAutocomplete => {
                commands::autocomplete(&ctx, &options).await
            }
            InteractionType::MessageComponent => components::route(&ctx).await,
            InteractionType::ModalSubmit => components::route_modal(&ctx).await,
            _ => Ok(()),
        };
        if let Err(error) = result {
            if kind == InteractionType::ApplicationCommandAutocomplete {
                tracing::warn!(error = %error, "autocomplete failed");
            } else {
                ctx.report_error(&error, &name).await;
            }
        }
    }
    .instrument(span)
    .await;
}
