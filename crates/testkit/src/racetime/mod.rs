//! A fake racetime.gg on 127.0.0.1 (random port) that speaks the real protocol, as recorded in
//! `../shared/fixtures/racetime`: `POST /o/token` (401 `invalid_client` on a bad secret), the
//! public and bot category feeds, race JSON, `startrace` / `edit` with the server's validation
//! errors, team and user lookups, and the bot websocket `/ws/o/bot/{slug}` (bearer header or
//! `?token=`; `race.data` + `race.renders` on connect and after every change; chat echo; every
//! bot action of racetime.md §1.8 with its `error` frames).
//!
//! Test controls: [`FakeRacetime::open_race`], [`FakeRacetime::add_entrant`],
//! [`FakeRacetime::set_entrant_team`], [`FakeRacetime::set_races_joined`],
//! [`FakeRacetime::delete_user`],
//! [`FakeRacetime::send_chat`], [`FakeRacetime::set_status`],
//! [`FakeRacetime::drop_bot_sockets`], [`FakeRacetime::expire_tokens`],
//! [`FakeRacetime::fail_next_requests`], [`FakeRacetime::send_raw_frame`]; observations such as
//! [`FakeRacetime::bot_messages`] and [`FakeRacetime::bot_connections`]; and
//! [`FakeRacetime::wait_until`] to wait for a condition. For benchmarks:
//! [`FakeRacetime::bot_message_feed`] (every bot chat message with the moment it arrived) and
//! [`FakeRacetime::set_quiet`] (no frame log).

mod data;
mod server;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

pub use data::BotMessage;
use data::{EntrantRec, Out, UserRec, World};
use server::{Shared, lock};

/// Options of [`FakeRacetime::start_with`].
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Category slug. Default `alttpr`.
    pub category: String,
    /// Category name. Default `ALTTPR`.
    pub category_name: String,
    /// Bot name used in chat. Default `TestBot`.
    pub bot_name: String,
    /// Accepted client id.
    pub client_id: String,
    /// Accepted client secret.
    pub client_secret: String,
    /// `expires_in` of issued tokens, seconds. Default 36000 (the real server's).
    pub token_lifetime_secs: u64,
    /// Active goal names.
    pub goals: Vec<String>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            category: "alttpr".to_owned(),
            category_name: "ALTTPR".to_owned(),
            bot_name: "TestBot".to_owned(),
            client_id: "fake-client-id".to_owned(),
            client_secret: "fake-client-secret".to_owned(),
            token_lifetime_secs: 36000,
            goals: vec![
                "Beat the game".to_owned(),
                "Beat the game - Casual".to_owned(),
            ],
        }
    }
}

/// Options of [`FakeRacetime::open_race`].
#[derive(Debug, Clone, Default)]
pub struct NewRace {
    /// Goal name (defaults to the first goal).
    pub goal: Option<String>,
    /// Start invitational.
    pub invitational: bool,
    /// Unlisted (only in the bot feed).
    pub unlisted: bool,
    /// User info.
    pub info_user: String,
    /// A team race (entrants are put on teams with [`FakeRacetime::set_entrant_team`]).
    pub team_race: bool,
}

/// The running fake. Dropping it stops the server and closes every socket.
#[derive(Debug)]
pub struct FakeRacetime {
    world: Shared,
    addr: SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeRacetime {
    fn drop(&mut self) {
        self.server.abort();
        let w = lock(&self.world);
        for c in w.sockets.values() {
            let _ = c.tx.send(Out::Close);
        }
    }
}

impl FakeRacetime {
    /// Starts with [`FakeConfig::default`].
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(FakeConfig::default()).await
    }

    /// Starts on a random loopback port.
    pub async fn start_with(config: FakeConfig) -> std::io::Result<Self> {
        let world = World {
            category: config.category,
            category_name: config.category_name,
            bot_name: config.bot_name,
            client_id: config.client_id,
            client_secret: config.client_secret,
            goals: config.goals,
            token_lifetime: config.token_lifetime_secs,
            fail_status: 500,
            ..World::default()
        };
        let world: Shared = Arc::new(Mutex::new(world));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = crate::loopback::serve_on(listener, world.clone(), server::route)?;
        Ok(Self {
            world,
            addr,
            server,
        })
    }

    /// `127.0.0.1`.
    pub fn host(&self) -> String {
        self.addr.ip().to_string()
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The accepted client id.
    pub fn client_id(&self) -> String {
        lock(&self.world).client_id.clone()
    }

    /// The accepted client secret.
    pub fn client_secret(&self) -> String {
        lock(&self.world).client_secret.clone()
    }

    /// The category slug.
    pub fn category(&self) -> String {
        lock(&self.world).category.clone()
    }

    // ---- controls -------------------------------------------------------------------------

    /// Opens a race as a user would; returns its name `category/slug`.
    pub fn open_race(&self, opts: NewRace) -> String {
        let mut w = lock(&self.world);
        let slug = w.new_slug();
        let mut race = server::new_race(&mut w, &slug);
        if let Some(goal) = opts.goal {
            race.goal_custom = !w.goals.contains(&goal);
            race.goal = goal;
        }
        if opts.invitational {
            race.status = "invitational".to_owned();
        }
        race.settings
            .insert("unlisted".to_owned(), json!(opts.unlisted));
        race.settings
            .insert("team_race".to_owned(), json!(opts.team_race));
        race.info_user = opts.info_user;
        let name = format!("{}/{slug}", race.category);
        w.races.insert(slug, race);
        name
    }

    /// Creates a user (not in any race); returns its id.
    pub fn add_user(&self, name: &str, can_moderate: bool) -> String {
        let mut w = lock(&self.world);
        let id = w.hashid('U');
        let discriminator = format!("{:04}", w.next_id() % 10000);
        w.users.insert(
            id.clone(),
            UserRec {
                id: id.clone(),
                name: name.to_owned(),
                discriminator,
                can_moderate,
                races_joined: 0,
            },
        );
        id
    }

    /// Adds a user as a `not_ready` entrant (broadcasts the change); returns the user id.
    pub fn add_entrant(&self, room: &str, name: &str) -> String {
        let id = self.add_user(name, false);
        self.add_existing_entrant(room, &id, "not_ready");
        id
    }

    /// Puts an existing user into a race with an entrant status (`requested`, `ready`, …).
    pub fn add_existing_entrant(&self, room: &str, user_id: &str, status: &str) {
        let mut w = lock(&self.world);
        let slug = slug_of(room);
        if let Some(r) = w.races.get_mut(slug) {
            r.entrants.push(EntrantRec {
                user: user_id.to_owned(),
                status: status.to_owned(),
                place: None,
                stream_override: false,
                team: None,
            });
        }
        w.race_changed(slug);
    }

    /// Puts an entrant on a team (`Some(name)`) or takes them off (`None`) and broadcasts.
    /// The entrant's `team` object is `{name, slug, formal, url, data_url, avatar}` with the
    /// slug made from the name, as the real server sends it.
    pub fn set_entrant_team(&self, room: &str, user_id: &str, team: Option<&str>) {
        let mut w = lock(&self.world);
        let slug = slug_of(room);
        if let Some(e) = w
            .races
            .get_mut(slug)
            .and_then(|r| r.entrants.iter_mut().find(|e| e.user == user_id))
        {
            e.team = team.map(str::to_owned);
        }
        w.race_changed(slug);
    }

    /// Sets `stats.joined` of a user's profile (`GET /user/{id}/data`; 0 for new users,
    /// which marks a first race).
    pub fn set_races_joined(&self, user_id: &str, joined: u64) {
        if let Some(u) = lock(&self.world).users.get_mut(user_id) {
            u.races_joined = joined;
        }
    }

    /// Deletes a user account: from now on their entrant rows and chat show `user: null`
    /// (as the real server shows deleted users) and their profile answers 404. Does not
    /// broadcast.
    pub fn delete_user(&self, user_id: &str) {
        lock(&self.world).users.remove(user_id);
    }

    /// Sets an entrant's status (e.g. `ready`, `done`) and broadcasts.
    pub fn set_entrant_status(&self, room: &str, user_id: &str, status: &str) {
        let mut w = lock(&self.world);
        let slug = slug_of(room);
        if let Some(r) = w.races.get_mut(slug) {
            let place = r.entrants.iter().filter(|e| e.status == "done").count() as i64 + 1;
            if let Some(e) = r.entrants.iter_mut().find(|e| e.user == user_id) {
                e.status = status.to_owned();
                if status == "done" {
                    e.place = Some(place);
                }
            }
        }
        w.race_changed(slug);
    }

    /// Makes a user a race monitor and broadcasts.
    pub fn add_monitor(&self, room: &str, user_id: &str) {
        let mut w = lock(&self.world);
        let slug = slug_of(room);
        if let Some(r) = w.races.get_mut(slug) {
            r.monitors.push(user_id.to_owned());
        }
        w.race_changed(slug);
    }

    /// A user posts chat (broadcast as `chat.message`); returns the message id.
    pub fn send_chat(&self, room: &str, user_id: &str, text: &str) -> String {
        let mut w = lock(&self.world);
        w.post_chat(
            slug_of(room),
            Some(user_id),
            None,
            text,
            false,
            false,
            Value::Null,
        )
    }

    /// The system posts chat (`is_system: true`).
    pub fn send_system_message(&self, room: &str, text: &str) -> String {
        let mut w = lock(&self.world);
        w.post_chat(slug_of(room), None, None, text, true, false, Value::Null)
    }

    /// Another bot posts chat (`is_bot: true`).
    pub fn send_bot_chat(&self, room: &str, bot: &str, text: &str) -> String {
        let mut w = lock(&self.world);
        w.post_chat(
            slug_of(room),
            None,
            Some(bot),
            text,
            false,
            false,
            Value::Null,
        )
    }

    /// Changes the race status (`pending`, `in_progress`, `finished`, `cancelled`, …) and
    /// broadcasts.
    pub fn set_status(&self, room: &str, status: &str) {
        let mut w = lock(&self.world);
        let slug = slug_of(room);
        server::set_status(&mut w, slug, status);
        w.race_changed(slug);
    }

    /// Makes the room unlisted or public (as a race monitor editing it would) and
    /// broadcasts.
    pub fn set_unlisted(&self, room: &str, unlisted: bool) {
        let mut w = lock(&self.world);
        let slug = slug_of(room);
        if let Some(r) = w.races.get_mut(slug) {
            r.settings.insert("unlisted".to_owned(), json!(unlisted));
        }
        w.race_changed(slug);
    }

    /// Broadcasts the race again without changing its version.
    pub fn rebroadcast(&self, room: &str) {
        let w = lock(&self.world);
        if let Some((d, r)) = w.race_frames(slug_of(room)) {
            w.broadcast_raw(slug_of(room), &d);
            w.broadcast_raw(slug_of(room), &r);
        }
    }

    /// Sends a raw text frame (anything, even invalid JSON) to the room's bot sockets.
    pub fn send_raw_frame(&self, room: &str, text: &str) {
        lock(&self.world).broadcast_raw(slug_of(room), text);
    }

    /// Closes every bot socket of the room; returns how many.
    pub fn drop_bot_sockets(&self, room: &str) -> usize {
        let mut w = lock(&self.world);
        let slug = slug_of(room);
        let ids: Vec<u64> = w
            .sockets
            .iter()
            .filter(|(_, c)| c.slug == slug)
            .map(|(id, _)| *id)
            .collect();
        for id in &ids {
            if let Some(c) = w.remove_socket(*id) {
                let _ = c.tx.send(Out::Close);
            }
        }
        ids.len()
    }

    /// Invalidates every token issued so far (sockets stay open; actions then get
    /// "Permission denied", and `/o/` endpoints 403).
    pub fn expire_tokens(&self) {
        let mut w = lock(&self.world);
        for v in w.tokens.values_mut() {
            *v = false;
        }
    }

    /// The next `n` HTTP requests (not websocket handshakes) answer 500.
    pub fn fail_next_requests(&self, n: u32) {
        self.fail_next_requests_with(n, 500);
    }

    /// The next `n` HTTP requests answer `status`.
    pub fn fail_next_requests_with(&self, n: u32, status: u16) {
        let mut w = lock(&self.world);
        w.fail_next = n;
        w.fail_status = status;
    }

    /// Adds a formal team for `GET /team/{slug}/data`.
    pub fn add_team(&self, slug: &str, name: &str, member_ids: &[&str]) {
        let mut w = lock(&self.world);
        let members: Vec<Value> = member_ids
            .iter()
            .map(|id| {
                let mut u = w.user_json(id);
                u["owner"] = json!(false);
                u
            })
            .collect();
        let team = json!({
            "name": name,
            "slug": slug,
            "formal": true,
            "url": format!("/team/{slug}"),
            "data_url": format!("/team/{slug}/data"),
            "avatar": null,
            "profile": null,
            "categories": [],
            "members": members,
        });
        w.teams.insert(slug.to_owned(), team);
    }

    /// Stops (or resumes) logging the frames bot sockets send and their connections, so long
    /// benchmarks do not grow the fake without bound. [`FakeRacetime::bot_actions`] and
    /// [`FakeRacetime::bot_connections`] miss whatever arrives while quiet.
    pub fn set_quiet(&self, quiet: bool) {
        lock(&self.world).quiet = quiet;
    }

    // ---- observations ---------------------------------------------------------------------

    /// A feed of every (non-DM) chat message bot sockets post from now on, in arrival order,
    /// each with the moment the fake read the frame. Replaces an earlier feed.
    pub fn bot_message_feed(&self) -> tokio::sync::mpsc::UnboundedReceiver<BotMessage> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        lock(&self.world).bot_message_feed = Some(tx);
        rx
    }

    /// The race JSON as `GET /{room}/data` would return it (`Null` if unknown).
    pub fn race(&self, room: &str) -> Value {
        let w = lock(&self.world);
        w.races
            .get(slug_of(room))
            .map_or(Value::Null, |r| w.race_json(r))
    }

    /// Names of all races.
    pub fn race_names(&self) -> Vec<String> {
        let w = lock(&self.world);
        w.races
            .values()
            .map(|r| format!("{}/{}", r.category, r.slug))
            .collect()
    }

    /// The room's chat log (message objects).
    pub fn chat_log(&self, room: &str) -> Vec<Value> {
        let w = lock(&self.world);
        w.races
            .get(slug_of(room))
            .map(|r| r.chat.clone())
            .unwrap_or_default()
    }

    /// Texts the category bot posted in the room (non-DM chat messages).
    pub fn bot_messages(&self, room: &str) -> Vec<String> {
        let bot = lock(&self.world).bot_name.clone();
        self.chat_log(room)
            .into_iter()
            .filter(|m| m["bot"] == json!(bot))
            .filter_map(|m| m["message"].as_str().map(str::to_owned))
            .collect()
    }

    /// Every frame bot sockets of the room sent, parsed (invalid JSON as a string value).
    pub fn bot_actions(&self, room: &str) -> Vec<Value> {
        let w = lock(&self.world);
        let slug = slug_of(room);
        w.received
            .iter()
            .filter(|(s, _)| s == slug)
            .map(|(_, t)| serde_json::from_str(t).unwrap_or_else(|_| json!(t)))
            .collect()
    }

    /// The tokens of every bot websocket connection made to the room, in order.
    pub fn bot_connections(&self, room: &str) -> Vec<String> {
        let w = lock(&self.world);
        let slug = slug_of(room);
        w.connections
            .iter()
            .filter(|(s, _)| s == slug)
            .map(|(_, t)| t.clone())
            .collect()
    }

    /// Currently open bot sockets of the room.
    pub fn open_bot_sockets(&self, room: &str) -> usize {
        let w = lock(&self.world);
        let slug = slug_of(room);
        w.sockets.values().filter(|c| c.slug == slug).count()
    }

    /// Currently open bot sockets of all rooms.
    pub fn open_bot_sockets_total(&self) -> usize {
        lock(&self.world).sockets.len()
    }

    /// Tokens issued so far, in order.
    pub fn issued_tokens(&self) -> Vec<String> {
        lock(&self.world).issued.clone()
    }

    /// `METHOD /path` of every HTTP request so far.
    pub fn http_requests(&self) -> Vec<String> {
        lock(&self.world).http_log.clone()
    }

    /// Polls `cond` every 5 ms until it holds (true) or `timeout` passes (false).
    pub async fn wait_until(&self, timeout: Duration, mut cond: impl FnMut(&Self) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if cond(self) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

fn slug_of(room: &str) -> &str {
    room.rsplit_once('/').map_or(room, |(_, s)| s)
}
