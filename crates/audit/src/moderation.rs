//! Moderation of guild messages (`discord.md` §3.6): invite links and executables from
//! members who joined less than 24 hours ago, links to domains on Discord's phishing list
//! (deleted, warned, 30-minute timeout), and ROM files, bare or inside a zip archive.
//! Bots and members with Manage Guild, Moderate Members or Administrator are left alone.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sha2::{Digest as _, Sha256};
use tokio_util::sync::CancellationToken;
use twilight_http::request::AuditLogReason as _;
use twilight_model::channel::Message;
use twilight_model::util::Timestamp;

use crate::{Bot, Error, Result, guilds};

/// How long a phishing link's author is timed out.
pub const PHISHING_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The audit-log reason of that timeout.
pub const PHISHING_REASON: &str = "automated timeout for phishing";
/// The most of a zip attachment read when its server ignores range requests (Discord's CDN
/// answers them: then only the end record and the central directory are read).
pub const MAX_ZIP_BYTES: u64 = 64 * 1024 * 1024;
/// The largest central directory read from a zip attachment (about 100,000 entries).
pub const MAX_ZIP_DIRECTORY_BYTES: u64 = 8 * 1024 * 1024;
/// Members who joined less recently than this are no longer "new".
const NEW_MEMBER: chrono::TimeDelta = chrono::TimeDelta::hours(24);

const EXECUTABLES: [&str; 4] = [".bat", ".exe", ".sh", ".py"];
const ROMS: [&str; 2] = [".sfc", ".smc"];

/// Why a message was removed; each has its warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A new member posted a discord.gg invite.
    Invite,
    /// A new member uploaded an executable.
    Executable,
    /// A link to a domain on the phishing list.
    Phishing,
    /// A zip archive holding a ROM.
    ZipRom,
    /// A ROM file.
    Rom,
}

impl Rule {
    /// The warning posted in the channel, mentioning `mention`.
    pub fn warning(self, mention: &str) -> String {
        match self {
            Rule::Invite => format!(
                "{mention}, you must be on this server for longer than 24 hours before posting \
                 discord invite links.  Please contact a moderator if you want to post an \
                 invite link."
            ),
            Rule::Executable => format!(
                "{mention}, please do not upload executable files.  If your message was \
                 deleted in error, please contact a moderator."
            ),
            Rule::Phishing => format!(
                "{mention}, your message seemed a bit... phishy.  \u{1F41F}\n\nIf you're not a \
                 bot, please contact a moderator for assistance."
            ),
            Rule::ZipRom => format!(
                "{mention}, a ROM was detected in the zip archive posted.  If your message was \
                 deleted in error, please contact a moderator."
            ),
            Rule::Rom => format!(
                "{mention}, please do not post ROMs.  If your message was deleted in error, \
                 please contact a moderator."
            ),
        }
    }
}

/// The hosts of the `scheme://` URLs in `text`, lowercased, without user info or port.
/// Text without a scheme (`discord.gg/x`) has no host, as in the original.
pub fn url_hosts(text: &str) -> Vec<String> {
    let mut hosts = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let scheme: String = rest[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .collect();
        let after = &rest[at + 3..];
        rest = after;
        if !scheme
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphabetic())
        {
            continue;
        }
        let netloc: &str = after
            .split(|c: char| {
                c.is_whitespace() || matches!(c, '/' | '?' | '#' | '<' | '>' | '"' | '\'' | '`')
            })
            .next()
            .unwrap_or("");
        let host = netloc.rsplit('@').next().unwrap_or("");
        let host = match host.rfind(':') {
            Some(colon) if !host.ends_with(']') => &host[..colon],
            _ => host,
        };
        let host = host.trim_end_matches(['.', ',', ';', '!', ')', ']', '}', '*', '_', '|', '~']);
        if !host.is_empty() {
            hosts.push(host.to_ascii_lowercase());
        }
    }
    hosts
}

/// The hex SHA-256 of a host, as Discord's list holds them.
pub fn host_hash(host: &str) -> String {
    Sha256::digest(host.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Discord's list of phishing-domain hashes, refreshed on a schedule.
#[derive(Debug, Default)]
pub(crate) struct BadDomains {
    hashes: RwLock<Arc<HashSet<String>>>,
}

impl BadDomains {
    pub(crate) fn current(&self) -> Arc<HashSet<String>> {
        self.hashes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn replace(&self, hashes: HashSet<String>) {
        *self.hashes.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(hashes);
    }
}

async fn download_hashes(web: &reqwest::Client, url: &str) -> Result<HashSet<String>> {
    let fail = |reason: String| Error::Download {
        what: "the bad-domain list",
        reason,
    };
    let response = web
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| fail(e.to_string()))?;
    let body = response.bytes().await.map_err(|e| fail(e.to_string()))?;
    let list: Vec<String> = serde_json::from_slice(&body)
        .map_err(|e| fail(format!("not a JSON list of strings: {e}")))?;
    Ok(list
        .into_iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect())
}

/// Downloads the list now and then every `refresh` (after a failure: again within a
/// minute, keeping the previous list) until `cancel`.
pub(crate) async fn refresh_loop(bot: Arc<Bot>, cancel: CancellationToken) {
    let refresh = bot.settings.bad_domains_refresh;
    loop {
        let wait = match download_hashes(&bot.web, &bot.settings.bad_domains_url).await {
            Ok(hashes) => {
                tracing::info!(hashes = hashes.len(), "bad-domain list downloaded");
                bot.bad_domains.replace(hashes);
                refresh
            }
            Err(e) => {
                tracing::warn!(error = %e, "bad-domain list not refreshed");
                refresh.min(Duration::from_secs(60))
            }
        };
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Whether the rules have anything to look at in `message` (links or attachments).
pub(crate) fn worth_checking(message: &Message) -> bool {
    !message.attachments.is_empty() || message.content.contains("://")
}

fn joined_recently(message: &Message, now: chrono::DateTime<chrono::Utc>) -> bool {
    let Some(joined) = message.member.as_ref().and_then(|m| m.joined_at) else {
        return false;
    };
    chrono::DateTime::from_timestamp_micros(joined.as_micros())
        .is_some_and(|joined| joined > now - NEW_MEMBER)
}

/// The rules `message` breaks, in the original's order, with the phishing flag.
async fn broken_rules(bot: &Bot, message: &Message) -> Vec<Rule> {
    let mut rules = Vec::new();
    let hosts = url_hosts(&message.content);
    if joined_recently(message, chrono::Utc::now()) {
        if hosts.iter().any(|h| h == "discord.gg") {
            rules.push(Rule::Invite);
        }
        if message
            .attachments
            .iter()
            .any(|a| EXECUTABLES.iter().any(|ext| a.filename.ends_with(ext)))
        {
            rules.push(Rule::Executable);
        }
    }
    let bad = bot.bad_domains.current();
    if hosts.iter().any(|h| bad.contains(&host_hash(h))) {
        rules.push(Rule::Phishing);
    }
    for attachment in &message.attachments {
        if attachment.filename.ends_with(".zip") {
            match zip_has_rom(bot, attachment).await {
                Ok(true) => rules.push(Rule::ZipRom),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, file = %attachment.filename, "zip not inspected")
                }
            }
        } else if ROMS.iter().any(|ext| attachment.filename.ends_with(ext)) {
            rules.push(Rule::Rom);
        }
    }
    rules
}

async fn zip_has_rom(bot: &Bot, attachment: &twilight_model::channel::Attachment) -> Result<bool> {
    let names = zip_entry_names(&bot.web, &attachment.url, attachment.size).await?;
    Ok(names
        .iter()
        .any(|n| ROMS.iter().any(|ext| n.ends_with(ext))))
}

/// The entry names of the zip file of `size` bytes at `url`, read with HTTP range requests
/// (Discord's CDN answers them): the file's last bytes, which hold the end record, then the
/// central directory if it starts before them. No entry is downloaded, so the size of the
/// archive does not matter. A server that ignores ranges sends the whole file, which is read
/// up to [`MAX_ZIP_BYTES`].
async fn zip_entry_names(web: &reqwest::Client, url: &str, size: u64) -> Result<Vec<String>> {
    if size == 0 {
        return Err(Error::Zip("an empty file".to_owned()));
    }
    let tail_start = size.saturating_sub(crate::zip::END_RECORD_SPAN);
    let tail = match fetch(web, url, tail_start..size).await? {
        Fetched::Range(bytes) => bytes,
        Fetched::Whole(bytes) => return crate::zip::entry_names(&bytes),
    };
    let dir = crate::zip::directory(&tail, tail_start)?;
    let end = dir
        .offset
        .checked_add(dir.size)
        .filter(|&end| end <= size)
        .ok_or_else(|| Error::Zip("the directory runs past the end of the file".to_owned()))?;
    if let Some(in_tail) = dir
        .offset
        .checked_sub(tail_start)
        .and_then(|at| usize::try_from(at).ok())
    {
        let listing = tail
            .get(in_tail..)
            .ok_or_else(|| Error::Zip("the directory runs past the end of the file".to_owned()))?;
        return crate::zip::names(listing, dir.entries);
    }
    if dir.size > MAX_ZIP_DIRECTORY_BYTES {
        return Err(Error::Zip(format!(
            "a directory of {} bytes is over the limit",
            dir.size
        )));
    }
    match fetch(web, url, dir.offset..end).await? {
        Fetched::Range(listing) => crate::zip::names(&listing, dir.entries),
        Fetched::Whole(bytes) => crate::zip::entry_names(&bytes),
    }
}

/// What a range request brought back.
enum Fetched {
    /// The bytes asked for (206 Partial Content).
    Range(Vec<u8>),
    /// The whole file: the server ignored the range (200).
    Whole(Vec<u8>),
}

/// Asks for bytes `range` of `url`.
async fn fetch(web: &reqwest::Client, url: &str, range: std::ops::Range<u64>) -> Result<Fetched> {
    let fail = |reason: String| Error::Download {
        what: "a zip attachment",
        reason,
    };
    let response = web
        .get(url)
        .header(
            reqwest::header::RANGE,
            format!("bytes={}-{}", range.start, range.end.saturating_sub(1)),
        )
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| fail(e.to_string()))?;
    let partial = response.status() == reqwest::StatusCode::PARTIAL_CONTENT;
    let cap = if partial {
        range.end - range.start
    } else {
        MAX_ZIP_BYTES
    };
    let bytes = read_capped(response, cap).await.map_err(fail)?;
    if !partial {
        return Ok(Fetched::Whole(bytes));
    }
    if bytes.len() as u64 != cap {
        return Err(fail(format!("asked for {cap} bytes, got {}", bytes.len())));
    }
    Ok(Fetched::Range(bytes))
}

/// The body of `response`, refused once it is longer than `cap` bytes.
async fn read_capped(
    mut response: reqwest::Response,
    cap: u64,
) -> std::result::Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if (body.len() + chunk.len()) as u64 > cap {
            return Err(format!("more than {cap} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Applies the rules to a guild message; what fails is logged.
pub(crate) async fn moderate(bot: Arc<Bot>, message: Arc<Message>) {
    let Some(guild) = message.guild_id else {
        return;
    };
    if message.author.bot || bot.is_me(message.author.id) {
        return;
    }
    let roles = message
        .member
        .as_ref()
        .map(|m| m.roles.clone())
        .unwrap_or_default();
    match bot.permissions(guild, message.author.id, &roles).await {
        Ok(perms) if guilds::is_moderator(perms) => return,
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "member permissions unknown; message not moderated");
            return;
        }
    }
    let rules = broken_rules(&bot, &message).await;
    if rules.is_empty() {
        return;
    }
    tracing::info!(?rules, user = %message.author.id, channel = %message.channel_id, "moderating a message");
    if let Err(e) = bot
        .http
        .delete_message(message.channel_id, message.id)
        .await
    {
        tracing::warn!(error = %e, "could not delete a moderated message");
    }
    let mention = format!("<@{}>", message.author.id);
    for rule in rules {
        let text = rule.warning(&mention);
        if let Err(e) = bot
            .http
            .create_message(message.channel_id)
            .content(&text)
            .await
        {
            tracing::warn!(error = %e, ?rule, "could not post a moderation warning");
        }
        if rule == Rule::Phishing
            && let Err(e) = timeout(&bot, guild, message.author.id).await
        {
            tracing::warn!(error = %e, "could not time out a phishing author");
        }
    }
}

async fn timeout(
    bot: &Bot,
    guild: twilight_model::id::Id<twilight_model::id::marker::GuildMarker>,
    user: twilight_model::id::Id<twilight_model::id::marker::UserMarker>,
) -> Result<()> {
    let until = chrono::Utc::now()
        + chrono::TimeDelta::from_std(PHISHING_TIMEOUT).unwrap_or(chrono::TimeDelta::zero());
    let until = Timestamp::from_secs(until.timestamp())
        .map_err(|e| Error::Gateway(format!("timestamp: {e}")))?;
    bot.http
        .update_guild_member(guild, user)
        .communication_disabled_until(Some(until))
        .reason(PHISHING_REASON)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_need_a_scheme_and_lose_port_and_user() {
        assert_eq!(
            url_hosts("join https://discord.gg/abc and http://user@Evil.Example:8080/x."),
            vec!["discord.gg", "evil.example"]
        );
        assert!(url_hosts("discord.gg/abc www.example.com").is_empty());
        assert_eq!(url_hosts("<https://a.example>"), vec!["a.example"]);
        assert_eq!(url_hosts("see (https://b.example)."), vec!["b.example"]);
        assert!(url_hosts("://nothing").is_empty());
    }

    #[test]
    fn host_hash_is_sha256_hex() {
        // Computed independently: `printf discord.gg | sha256sum`.
        assert_eq!(
            host_hash("discord.gg"),
            "37bc9cd0c594711990650464a98352cc52bba4c62e88f66bfbe7051968882e9e"
        );
    }
}
