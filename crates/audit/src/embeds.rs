//! The embeds posted to a guild's audit channel (`discord.md` §3.4).

use sahasrahbot_core::db::entities::audit_messages;
use twilight_model::channel::message::Embed;
use twilight_model::user::User;
use twilight_model::util::Timestamp;
use twilight_util::builder::embed::{
    EmbedBuilder, EmbedFieldBuilder, EmbedFooterBuilder, ImageSource,
};

/// discord.py's `Colour.dark_orange()`.
pub const DARK_ORANGE: u32 = 0xa8_4300;
/// discord.py's `Colour.dark_red()`.
pub const DARK_RED: u32 = 0x99_2d22;
/// discord.py's `Colour.green()`.
pub const GREEN: u32 = 0x2e_cc71;
/// discord.py's `Colour.red()`.
pub const RED: u32 = 0xe7_4c3c;
/// The old text of a message that was never recorded.
pub const UNKNOWN: &str = "??? err unknown ???";

fn now() -> Option<Timestamp> {
    Timestamp::from_micros(chrono::Utc::now().timestamp_micros()).ok()
}

/// `text` cut to `max` characters with `tail` appended when longer; `*empty*` when empty.
fn shorten(text: &str, max: usize, tail: &str) -> String {
    if text.is_empty() {
        return "*empty*".to_owned();
    }
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}{tail}", &text[..at]),
        None => text.to_owned(),
    }
}

fn with_time(builder: EmbedBuilder) -> EmbedBuilder {
    let builder = builder.footer(EmbedFooterBuilder::new("Logged at"));
    match now() {
        Some(ts) => builder.timestamp(ts),
        None => builder,
    }
}

/// "Message Edited": the newest recorded text (when any) against the new one.
pub fn edited(
    author: u64,
    guild: u64,
    channel: u64,
    message: u64,
    old: Option<&str>,
    new: &str,
) -> Embed {
    let old = old.map_or_else(|| UNKNOWN.to_owned(), |o| shorten(o, 1000, ".."));
    with_time(
        EmbedBuilder::new()
            .title("Message Edited")
            .color(DARK_ORANGE)
            .description(format!(
                "**Message from <@{author}> edited in <#{channel}>** \
                 [Jump to Message](https://discord.com/channels/{guild}/{channel}/{message})"
            ))
            .field(EmbedFieldBuilder::new("Old Message", old))
            .field(EmbedFieldBuilder::new("New Message", shorten(new, 1000, "..")).inline()),
    )
    .build()
}

fn date(row: &audit_messages::Model) -> String {
    row.message_date.map_or_else(
        || "unknown".to_owned(),
        |d| format!("{} UTC", d.format("%Y-%m-%d %H:%M:%S")),
    )
}

/// "Message Deleted" from the recorded versions (oldest first); a message never recorded
/// gets the unknown text.
pub fn deleted(channel: u64, versions: &[audit_messages::Model]) -> Embed {
    let author = versions
        .first()
        .and_then(|r| r.user_id)
        .map_or_else(|| "unknown".to_owned(), |u| format!("<@{u}>"));
    let newest = versions.last();
    let old = newest
        .and_then(|r| r.content.as_deref())
        .map_or_else(|| UNKNOWN.to_owned(), |c| shorten(c, 1020, "..."));
    let mut builder = EmbedBuilder::new()
        .title("Message Deleted")
        .color(DARK_RED)
        .description(format!(
            "**Message sent by {author} deleted in <#{channel}>**"
        ))
        .field(EmbedFieldBuilder::new("Old Message", old));
    if let Some(attachment) = newest.and_then(|r| r.attachment.as_deref())
        && !attachment.is_empty()
    {
        builder = builder.field(EmbedFieldBuilder::new("Old Attachment", attachment));
    }
    builder = builder.field(EmbedFieldBuilder::new(
        "Message Timestamp",
        versions.first().map_or_else(|| "unknown".to_owned(), date),
    ));
    with_time(builder).build()
}

/// Which member event an embed reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberEvent {
    /// GUILD_MEMBER_ADD.
    Joined,
    /// GUILD_MEMBER_REMOVE.
    Left,
    /// GUILD_BAN_ADD.
    Banned,
}

/// "Member Joined" / "Member Left" / "Member Banned".
pub fn member(event: MemberEvent, user: &User) -> Embed {
    let (title, color) = match event {
        MemberEvent::Joined => ("Member Joined", GREEN),
        MemberEvent::Left => ("Member Left", RED),
        MemberEvent::Banned => ("Member Banned", RED),
    };
    let tag = if user.discriminator == 0 {
        user.name.clone()
    } else {
        format!("{}#{:04}", user.name, user.discriminator)
    };
    let avatar = match user.avatar {
        Some(hash) => format!("https://cdn.discordapp.com/avatars/{}/{hash}.png", user.id),
        None => format!(
            "https://cdn.discordapp.com/embed/avatars/{}.png",
            (user.id.get() >> 22) % 6
        ),
    };
    let mut builder = EmbedBuilder::new()
        .title(title)
        .color(color)
        .description(format!("<@{}>\n{tag}", user.id));
    if let Ok(source) = ImageSource::url(avatar) {
        builder = builder.thumbnail(source);
    }
    match now() {
        Some(ts) => builder.timestamp(ts),
        None => builder,
    }
    .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_and_marks_empty() {
        assert_eq!(shorten("", 10, ".."), "*empty*");
        assert_eq!(shorten("abcdef", 3, ".."), "abc..");
        assert_eq!(shorten("abc", 3, ".."), "abc");
    }

    #[test]
    fn delete_embed_of_an_unknown_message_says_so() {
        let embed = deleted(5, &[]);
        assert_eq!(embed.title.as_deref(), Some("Message Deleted"));
        assert_eq!(embed.fields[0].value, UNKNOWN);
        assert!(
            embed
                .description
                .as_deref()
                .is_some_and(|d| d.contains("unknown"))
        );
    }
}
