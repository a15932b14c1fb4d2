//! The fake's in-memory world and the JSON shapes the real server sends (mirrored from the
//! recordings in `../shared/fixtures/racetime`).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

/// One user known to the fake.
#[derive(Debug, Clone)]
pub(crate) struct UserRec {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) discriminator: String,
    pub(crate) can_moderate: bool,
    /// `stats.joined` of the user's profile (`GET /user/{id}/data`).
    pub(crate) races_joined: u64,
}

impl UserRec {
    pub(crate) fn json(&self) -> Value {
        let slug = self.name.to_lowercase();
        json!({
            "id": self.id,
            "full_name": format!("{}#{}", self.name, self.discriminator),
            "name": self.name,
            "discriminator": self.discriminator,
            "url": format!("/user/{}/{slug}", self.id),
            "avatar": null,
            "pronouns": null,
            "flair": if self.can_moderate { "moderator" } else { "" },
            "twitch_name": null,
            "twitch_display_name": null,
            "twitch_channel": null,
            "can_moderate": self.can_moderate,
        })
    }

    /// The public profile `GET /user/{id}/data` answers: the summary plus `stats`.
    pub(crate) fn profile(&self) -> Value {
        let mut v = self.json();
        v["stats"] = json!({
            "joined": self.races_joined,
            "first": 0,
            "second": 0,
            "third": 0,
            "forfeits": 0,
            "dnf": 0,
        });
        v["teams"] = json!([]);
        v
    }

    pub(crate) fn minimal(&self) -> Value {
        json!({
            "id": self.id,
            "full_name": format!("{}#{}", self.name, self.discriminator),
            "name": self.name,
            "discriminator": self.discriminator,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct EntrantRec {
    pub(crate) user: String,
    pub(crate) status: String,
    pub(crate) place: Option<i64>,
    pub(crate) stream_override: bool,
    /// Team name, in team races.
    pub(crate) team: Option<String>,
}

/// The entrant's `team` object as the server sends it (`Team.api_dict_summary` plus
/// `formal`): the slug is the name lower-cased with spaces as hyphens.
pub(crate) fn team_json(name: &str) -> Value {
    let slug = name.to_lowercase().replace(' ', "-");
    json!({
        "name": name,
        "slug": slug,
        "formal": false,
        "url": format!("/team/{slug}"),
        "data_url": format!("/team/{slug}/data"),
        "avatar": null,
    })
}

#[derive(Debug, Clone)]
pub(crate) struct RaceRec {
    pub(crate) category: String,
    pub(crate) slug: String,
    pub(crate) version: i64,
    pub(crate) status: String,
    pub(crate) goal: String,
    pub(crate) goal_custom: bool,
    pub(crate) info_user: String,
    pub(crate) info_bot: String,
    pub(crate) settings: BTreeMap<String, Value>,
    pub(crate) entrants: Vec<EntrantRec>,
    pub(crate) monitors: Vec<String>,
    pub(crate) chat: Vec<Value>,
    pub(crate) guids: HashSet<String>,
    pub(crate) bot_meta: Map<String, Value>,
    pub(crate) opened_by_bot: Option<String>,
    pub(crate) opened_at: String,
    pub(crate) started_at: Option<String>,
    pub(crate) ended_at: Option<String>,
    pub(crate) cancelled_at: Option<String>,
}

impl RaceRec {
    /// A copy without the chat log and the guid set (they only grow).
    pub(crate) fn snapshot(&self) -> Self {
        Self {
            category: self.category.clone(),
            slug: self.slug.clone(),
            version: self.version,
            status: self.status.clone(),
            goal: self.goal.clone(),
            goal_custom: self.goal_custom,
            info_user: self.info_user.clone(),
            info_bot: self.info_bot.clone(),
            settings: self.settings.clone(),
            entrants: self.entrants.clone(),
            monitors: self.monitors.clone(),
            chat: Vec::new(),
            guids: HashSet::new(),
            bot_meta: self.bot_meta.clone(),
            opened_by_bot: self.opened_by_bot.clone(),
            opened_at: self.opened_at.clone(),
            started_at: self.started_at.clone(),
            ended_at: self.ended_at.clone(),
            cancelled_at: self.cancelled_at.clone(),
        }
    }
}

pub(crate) fn status_json(value: &str) -> Value {
    let (verbose, help) = match value {
        "open" => ("Open", "Anyone may join this race"),
        "invitational" => ("Invitational", "Only invitees may join this race"),
        "pending" => ("Starting", "The race is about to begin"),
        "in_progress" => ("In progress", "Race is in progress"),
        "finished" => ("Finished", "This race has been completed"),
        "cancelled" => ("Cancelled", "This race has been cancelled"),
        "partitioned" => ("Partitioned", "This race has been partitioned"),
        "not_ready" => ("Not ready", ""),
        "ready" => ("Ready", ""),
        "requested" => ("Requested", "Requested to join"),
        "invited" => ("Invited", "Invited to join"),
        "done" => ("Finished", ""),
        "dnf" => ("Did not finish", ""),
        _ => (value, ""),
    };
    json!({"value": value, "verbose_value": verbose, "help_text": help})
}

/// Default race settings (the server's model defaults).
pub(crate) fn default_settings() -> BTreeMap<String, Value> {
    let mut s = BTreeMap::new();
    for (k, v) in [
        ("team_race", json!(false)),
        ("ranked", json!(true)),
        ("unlisted", json!(false)),
        ("recordable", json!(true)),
        ("require_even_teams", json!(false)),
        ("start_delay", json!(15)),
        ("time_limit", json!(24)),
        ("time_limit_auto_complete", json!(false)),
        ("streaming_required", json!(false)),
        ("auto_start", json!(true)),
        ("allow_comments", json!(true)),
        ("hide_comments", json!(false)),
        ("allow_prerace_chat", json!(true)),
        ("allow_midrace_chat", json!(true)),
        ("allow_non_entrant_chat", json!(true)),
        ("chat_message_delay", json!(0)),
        ("hide_entrants", json!(false)),
        ("disqualify_unready", json!(false)),
    ] {
        s.insert(k.to_owned(), v);
    }
    s
}

fn duration(secs: i64) -> String {
    let days = secs / 86400;
    let h = (secs % 86400) / 3600;
    let m = (secs % 3600) / 60;
    let s = secs % 60;
    format!("P{days}DT{h:02}H{m:02}M{s:02}S")
}

pub(crate) fn is_done(status: &str) -> bool {
    matches!(status, "finished" | "cancelled")
}

/// Sockets, tokens, races: the whole fake world.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) category: String,
    pub(crate) category_name: String,
    pub(crate) bot_name: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) goals: Vec<String>,
    pub(crate) token_lifetime: u64,
    pub(crate) tokens: HashMap<String, bool>,
    pub(crate) issued: Vec<String>,
    pub(crate) races: BTreeMap<String, RaceRec>,
    pub(crate) users: BTreeMap<String, UserRec>,
    pub(crate) teams: BTreeMap<String, Value>,
    pub(crate) counter: u64,
    pub(crate) fail_next: u32,
    pub(crate) fail_status: u16,
    pub(crate) sockets: HashMap<u64, Conn>,
    /// Socket ids by race slug (broadcasts must not scan every socket of every room).
    pub(crate) sockets_by_slug: HashMap<String, Vec<u64>>,
    /// Do not log received frames and connections (benchmarks).
    pub(crate) quiet: bool,
    /// Receives every chat message a bot socket posts (see `FakeRacetime::bot_message_feed`).
    pub(crate) bot_message_feed: Option<mpsc::UnboundedSender<BotMessage>>,
    pub(crate) connections: Vec<(String, String)>,
    pub(crate) received: Vec<(String, String)>,
    pub(crate) http_log: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) slug: String,
    pub(crate) tx: mpsc::UnboundedSender<Out>,
}

/// A chat message a bot socket posted, with the moment the fake read the frame.
#[derive(Debug, Clone)]
pub struct BotMessage {
    /// Room name `category/slug`.
    pub room: String,
    /// The message text.
    pub text: String,
    /// When the fake read the bot's `message` action (before taking its world lock).
    pub received_at: std::time::Instant,
}

/// What the writer half of a socket should do.
#[derive(Debug)]
pub(crate) enum Out {
    Text(String),
    Close,
}

const WORDS_A: &[&str] = &[
    "scruffy", "proud", "clumsy", "brave", "sneaky", "lucky", "quick", "witty", "fuzzy", "mighty",
];
const WORDS_B: &[&str] = &[
    "pichu", "zombie", "link", "zelda", "ganon", "moblin", "octorok", "keese", "lynel", "navi",
];

impl World {
    pub(crate) fn next_id(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A 16-character hashid-like id.
    pub(crate) fn hashid(&mut self, prefix: char) -> String {
        let n = self.next_id();
        format!(
            "{prefix}{:015X}",
            n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 4
        )
    }

    pub(crate) fn new_slug(&mut self) -> String {
        let n = self.next_id();
        format!(
            "{}-{}-{:04}",
            WORDS_A[(n % 10) as usize],
            WORDS_B[((n / 10) % 10) as usize],
            // At least four digits; more once past 9999, so benchmarks can open 20,000 rooms
            // (`n % 10000` made slugs repeat and later races replace earlier ones).
            n
        )
    }

    pub(crate) fn now(&self) -> String {
        // A fixed clock keeps the fake deterministic; only ordering matters to clients.
        format!(
            "2026-11-21T23:{:02}:{:02}.000Z",
            (self.counter / 60) % 60,
            self.counter % 60
        )
    }

    pub(crate) fn token_valid(&self, token: Option<&str>) -> bool {
        token.is_some_and(|t| self.tokens.get(t).copied().unwrap_or(false))
    }

    pub(crate) fn user_json(&self, id: &str) -> Value {
        self.users.get(id).map_or(Value::Null, UserRec::json)
    }

    pub(crate) fn race_json(&self, race: &RaceRec) -> Value {
        let s = &race.settings;
        let get_bool = |k: &str| s.get(k).and_then(Value::as_bool).unwrap_or(false);
        let get_int = |k: &str| s.get(k).and_then(Value::as_i64).unwrap_or(0);
        let name = format!("{}/{}", race.category, race.slug);
        let entrants: Vec<Value> = race
            .entrants
            .iter()
            .map(|e| {
                json!({
                    "user": self.user_json(&e.user),
                    "team": e.team.as_deref().map_or(Value::Null, team_json),
                    "status": status_json(&e.status),
                    "finish_time": if e.status == "done" { json!("P0DT00H00M06.900000S") } else { Value::Null },
                    "finished_at": null,
                    "place": e.place,
                    "place_ordinal": e.place.map(|p| format!("{p}th")),
                    "score": null,
                    "score_change": null,
                    "comment": null,
                    "has_comment": false,
                    "stream_live": false,
                    "stream_override": e.stream_override,
                    "actions": [],
                })
            })
            .collect();
        let joined = race
            .entrants
            .iter()
            .filter(|e| !matches!(e.status.as_str(), "invited" | "requested" | "declined"))
            .count();
        let finished = race.entrants.iter().filter(|e| e.status == "done").count();
        let info = [race.info_user.as_str(), race.info_bot.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        let mut out = json!({
            "version": race.version,
            "name": name,
            "slug": race.slug,
            "status": status_json(&race.status),
            "url": format!("/{name}"),
            "data_url": format!("/{name}/data"),
            "websocket_url": format!("/ws/race/{}", race.slug),
            "websocket_bot_url": format!("/ws/o/bot/{}", race.slug),
            "websocket_oauth_url": format!("/ws/o/race/{}", race.slug),
            "category": {
                "name": self.category_name,
                "short_name": self.category_name,
                "slug": race.category,
                "url": format!("/{}", race.category),
                "data_url": format!("/{}/data", race.category),
                "image": null,
            },
            "goal": {"name": race.goal, "custom": race.goal_custom},
            "info": info,
            "info_bot": if race.info_bot.is_empty() { Value::Null } else { json!(race.info_bot) },
            "info_user": if race.info_user.is_empty() { Value::Null } else { json!(race.info_user) },
            "team_race": get_bool("team_race"),
            "entrants_count": joined,
            "entrants_count_finished": finished,
            "entrants_count_inactive": 0,
            "entrants": entrants,
        });
        let more = json!({
            "opened_at": race.opened_at,
            "start_delay": duration(get_int("start_delay")),
            "started_at": race.started_at,
            "ended_at": race.ended_at,
            "cancelled_at": race.cancelled_at,
            "ranked": get_bool("ranked"),
            "unlisted": get_bool("unlisted"),
            "time_limit": duration(get_int("time_limit") * 3600),
            "time_limit_auto_complete": get_bool("time_limit_auto_complete"),
            "require_even_teams": get_bool("require_even_teams"),
            "streaming_required": get_bool("streaming_required"),
            "auto_start": get_bool("auto_start"),
            "opened_by": null,
            "opened_by_bot": race.opened_by_bot,
            "monitors": race.monitors.iter().map(|m| self.user_json(m)).collect::<Vec<_>>(),
            "recordable": get_bool("recordable"),
            "recorded": false,
            "recorded_by": null,
            "disqualify_unready": get_bool("disqualify_unready"),
            "allow_comments": get_bool("allow_comments"),
            "hide_comments": get_bool("hide_comments"),
            "hide_entrants": get_bool("hide_entrants"),
            "chat_restricted": false,
            "allow_prerace_chat": get_bool("allow_prerace_chat"),
            "allow_midrace_chat": get_bool("allow_midrace_chat"),
            "allow_non_entrant_chat": get_bool("allow_non_entrant_chat"),
            "chat_message_delay": duration(get_int("chat_message_delay")),
            "bot_meta": race.bot_meta,
        });
        if let (Value::Object(a), Value::Object(b)) = (&mut out, more) {
            a.extend(b);
        }
        out
    }

    pub(crate) fn race_summary(&self, race: &RaceRec) -> Value {
        let full = self.race_json(race);
        let mut out = Map::new();
        for k in [
            "name",
            "status",
            "url",
            "data_url",
            "goal",
            "info",
            "entrants_count",
            "entrants_count_finished",
            "entrants_count_inactive",
            "opened_at",
            "started_at",
            "time_limit",
            "opened_by_bot",
        ] {
            out.insert(k.to_owned(), full[k].clone());
        }
        Value::Object(out)
    }

    pub(crate) fn category_json(&self, include_unlisted: bool) -> Value {
        let races: Vec<Value> = self
            .races
            .values()
            .filter(|r| r.category == self.category)
            .filter(|r| !is_done(&r.status) && r.status != "partitioned")
            .filter(|r| {
                include_unlisted
                    || !r
                        .settings
                        .get("unlisted")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
            })
            .map(|r| self.race_summary(r))
            .collect();
        json!({
            "name": self.category_name,
            "short_name": self.category_name,
            "slug": self.category,
            "url": format!("/{}", self.category),
            "data_url": format!("/{}/data", self.category),
            "image": null,
            "info": "Local test category",
            "streaming_required": false,
            "owners": [],
            "moderators": [],
            "goals": self.goals,
            "current_races": races,
            "emotes": {},
        })
    }

    fn frame(&self, kind: &str, mut body: Map<String, Value>) -> String {
        body.insert("type".to_owned(), json!(kind));
        body.insert("date".to_owned(), json!(self.now()));
        Value::Object(body).to_string()
    }

    pub(crate) fn add_socket(&mut self, id: u64, conn: Conn) {
        self.sockets_by_slug
            .entry(conn.slug.clone())
            .or_default()
            .push(id);
        self.sockets.insert(id, conn);
    }

    pub(crate) fn remove_socket(&mut self, id: u64) -> Option<Conn> {
        let conn = self.sockets.remove(&id)?;
        if let Some(ids) = self.sockets_by_slug.get_mut(&conn.slug) {
            ids.retain(|i| *i != id);
            if ids.is_empty() {
                self.sockets_by_slug.remove(&conn.slug);
            }
        }
        Some(conn)
    }

    pub(crate) fn send_to(&self, conn: u64, text: String) {
        if let Some(c) = self.sockets.get(&conn) {
            let _ = c.tx.send(Out::Text(text));
        }
    }

    pub(crate) fn broadcast_raw(&self, slug: &str, text: &str) {
        let ids = self
            .sockets_by_slug
            .get(slug)
            .map_or(&[][..], Vec::as_slice);
        for c in ids.iter().filter_map(|id| self.sockets.get(id)) {
            let _ = c.tx.send(Out::Text(text.to_owned()));
        }
    }

    pub(crate) fn broadcast(&self, slug: &str, kind: &str, body: Map<String, Value>) {
        let text = self.frame(kind, body);
        self.broadcast_raw(slug, &text);
    }

    /// `race.data` then `race.renders`, as one frame pair.
    pub(crate) fn race_frames(&self, slug: &str) -> Option<(String, String)> {
        let race = self.races.get(slug)?;
        let mut data = Map::new();
        data.insert("race".to_owned(), self.race_json(race));
        data.insert("version".to_owned(), json!(race.version));
        let mut renders = Map::new();
        renders.insert(
            "renders".to_owned(),
            json!({"entrants": "", "intro": "", "status": "", "streams": ""}),
        );
        renders.insert("version".to_owned(), json!(race.version));
        Some((
            self.frame("race.data", data),
            self.frame("race.renders", renders),
        ))
    }

    /// Bumps the version and broadcasts the race.
    pub(crate) fn race_changed(&mut self, slug: &str) {
        if let Some(r) = self.races.get_mut(slug) {
            r.version += 1;
        }
        if let Some((data, renders)) = self.race_frames(slug) {
            self.broadcast_raw(slug, &data);
            self.broadcast_raw(slug, &renders);
        }
    }

    /// Adds a chat message to the race and broadcasts it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn post_chat(
        &mut self,
        slug: &str,
        user: Option<&str>,
        bot: Option<&str>,
        text: &str,
        is_system: bool,
        pinned: bool,
        actions: Value,
    ) -> String {
        let id = self.hashid('M');
        let is_monitor = user.map(|u| {
            self.users.get(u).is_some_and(|r| r.can_moderate)
                || self
                    .races
                    .get(slug)
                    .is_some_and(|r| r.monitors.iter().any(|m| m == u))
        });
        let plain = strip_markup(text);
        let msg = json!({
            "id": id,
            "user": user.map_or(Value::Null, |u| self.user_json(u)),
            "bot": bot,
            "direct_to": null,
            "posted_at": self.now(),
            "message": text,
            "message_plain": plain,
            "highlight": false,
            "is_dm": false,
            "is_bot": bot.is_some(),
            "is_monitor": is_monitor,
            "is_system": is_system,
            "is_pinned": pinned,
            "delay": 0,
            "actions": if actions.is_null() { json!({}) } else { actions },
        });
        if let Some(r) = self.races.get_mut(slug) {
            r.chat.push(msg.clone());
        }
        let mut body = Map::new();
        body.insert("message".to_owned(), msg);
        self.broadcast(slug, "chat.message", body);
        id
    }
}

fn strip_markup(text: &str) -> String {
    // `##style##text##` → `text`
    let mut out = String::new();
    let mut parts = text.split("##");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let rest: Vec<&str> = parts.collect();
    let mut i = 0;
    while i < rest.len() {
        if i + 2 < rest.len() || (i + 1 < rest.len() && i + 2 == rest.len()) {
            out.push_str(rest[i + 1]);
            if i + 2 < rest.len() {
                out.push_str(rest[i + 2]);
            }
            i += 3;
        } else {
            out.push_str(rest[i]);
            i += 1;
        }
    }
    out
}
