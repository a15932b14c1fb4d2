//! HTTP routes and the bot websocket of the fake.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use poem::http::{Method, StatusCode};
use poem::web::websocket::{Message, WebSocket};
use poem::{FromRequest, IntoResponse, Request, Response};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use super::data::{BotMessage, Conn, EntrantRec, Out, RaceRec, World, default_settings, is_done};

pub(crate) use crate::loopback::lock;

pub(crate) type Shared = Arc<Mutex<World>>;

fn json_response(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

fn empty(status: StatusCode) -> Response {
    Response::builder().status(status).body("")
}

fn bearer(req: &Request) -> Option<String> {
    if let Some(h) = req.header("Authorization") {
        return h.strip_prefix("Bearer ").map(str::to_owned);
    }
    let query = req.uri().query().unwrap_or("");
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

pub(crate) async fn route(world: Shared, mut req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();

    if let ["ws", "o", "bot", slug] = segs.as_slice() {
        let slug = (*slug).to_owned();
        let token = bearer(&req);
        if !lock(&world).races.contains_key(&slug) {
            // The real server never accepts the handshake for an unknown slug.
            return empty(StatusCode::NOT_FOUND);
        }
        let mut body = poem::RequestBody::default();
        let ws = match WebSocket::from_request(&req, &mut body).await {
            Ok(ws) => ws,
            Err(e) => return e.into_response(),
        };
        let world = world.clone();
        // Small buffers: tests and benchmarks hold thousands of these sockets.
        let config = poem::web::websocket::WebSocketConfig::default()
            .read_buffer_size(2048)
            .write_buffer_size(0);
        return ws
            .config(config)
            .on_upgrade(move |socket| bot_socket(world, slug, token, socket))
            .into_response();
    }

    {
        let mut w = lock(&world);
        w.http_log.push(format!("{method} {path}"));
        if w.fail_next > 0 {
            w.fail_next -= 1;
            let status =
                StatusCode::from_u16(w.fail_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return empty(status);
        }
    }

    let form: HashMap<String, String> = if method == Method::POST {
        let body = req.take_body().into_vec().await.unwrap_or_default();
        url::form_urlencoded::parse(&body).into_owned().collect()
    } else {
        HashMap::new()
    };
    let token = bearer(&req);
    let mut w = lock(&world);
    match (method, segs.as_slice()) {
        (Method::POST, ["o", "token"]) => token_endpoint(&mut w, &form),
        (Method::GET, [cat, "data"]) if *cat == w.category => {
            json_response(StatusCode::OK, &w.category_json(false))
        }
        (Method::GET, ["o", cat, "data"]) if *cat == w.category => {
            if !w.token_valid(token.as_deref()) {
                return empty(StatusCode::FORBIDDEN);
            }
            json_response(StatusCode::OK, &w.category_json(true))
        }
        (Method::POST, ["o", cat, "startrace"]) if *cat == w.category => {
            if !w.token_valid(token.as_deref()) {
                return empty(StatusCode::FORBIDDEN);
            }
            start_race(&mut w, &form)
        }
        (Method::POST, ["o", cat, slug, "edit"]) if *cat == w.category => {
            if !w.token_valid(token.as_deref()) {
                return empty(StatusCode::FORBIDDEN);
            }
            edit_race(&mut w, slug, &form)
        }
        (Method::GET, ["team", slug, "data"]) => match w.teams.get(*slug) {
            Some(t) => json_response(StatusCode::OK, t),
            None => empty(StatusCode::NOT_FOUND),
        },
        (Method::GET, ["user", id, "data"]) => match w.users.get(*id) {
            Some(u) => json_response(StatusCode::OK, &u.profile()),
            None => empty(StatusCode::NOT_FOUND),
        },
        (Method::GET, [cat, slug, "data"]) => match w.races.get(*slug) {
            Some(r) if r.category == *cat => json_response(StatusCode::OK, &w.race_json(r)),
            _ => empty(StatusCode::NOT_FOUND),
        },
        _ => empty(StatusCode::NOT_FOUND),
    }
}

fn token_endpoint(w: &mut World, form: &HashMap<String, String>) -> Response {
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": "unsupported_grant_type"}),
        );
    }
    if form.get("client_id") != Some(&w.client_id)
        || form.get("client_secret") != Some(&w.client_secret)
    {
        return Response::builder()
            .status(StatusCode::UNAUTHORIZED)
            .content_type("application/json")
            .header("WWW-Authenticate", "Bearer error=\"invalid_client\"")
            .header("Cache-Control", "no-store")
            .body(json!({"error": "invalid_client"}).to_string());
    }
    let token = w.hashid('T');
    w.tokens.insert(token.clone(), true);
    w.issued.push(token.clone());
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "expires_in": w.token_lifetime,
            "token_type": "Bearer",
            "scope": "read chat_message race_action create_race",
        }),
    )
}

fn form_bool(form: &HashMap<String, String>, key: &str) -> Result<Option<bool>, String> {
    match form.get(key).map(|v| v.to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) if v == "true" || v == "on" || v == "1" => Ok(Some(true)),
        Some(v) if v == "false" || v == "off" || v == "0" || v.is_empty() => Ok(Some(false)),
        Some(_) => Err(format!("{key}: Enter a valid boolean.")),
    }
}

type FormErrors = Map<String, Value>;

fn add_error(errors: &mut FormErrors, field: &str, msg: &str) {
    let entry = errors.entry(field.to_owned()).or_insert_with(|| json!([]));
    if let Value::Array(a) = entry {
        a.push(json!(msg));
    }
}

/// Applies the form to `race` (starting from defaults: missing fields reset, as the real server
/// does). `preparing` limits what an edit may change.
fn apply_form(
    w: &World,
    race: &mut RaceRec,
    form: &HashMap<String, String>,
    creating: bool,
    preparing: bool,
) -> Result<(), FormErrors> {
    let mut errors = FormErrors::new();
    let defaults = default_settings();
    let mut settings = race.settings.clone();
    let bool_fields: &[&str] = if preparing {
        &[
            "ranked",
            "unlisted",
            "recordable",
            "require_even_teams",
            "time_limit_auto_complete",
            "streaming_required",
            "auto_start",
            "allow_comments",
            "hide_comments",
            "allow_prerace_chat",
            "allow_midrace_chat",
            "allow_non_entrant_chat",
        ]
    } else {
        &[
            "unlisted",
            "allow_comments",
            "hide_comments",
            "allow_midrace_chat",
            "allow_non_entrant_chat",
        ]
    };
    for key in bool_fields {
        match form_bool(form, key) {
            Ok(v) => {
                let default = defaults.get(*key).and_then(Value::as_bool).unwrap_or(false);
                settings.insert((*key).to_owned(), json!(v.unwrap_or(default)));
            }
            Err(e) => add_error(&mut errors, key, &e),
        }
    }
    if creating {
        for key in ["team_race", "invitational"] {
            if let Err(e) = form_bool(form, key) {
                add_error(&mut errors, key, &e);
            }
        }
        if let Ok(Some(t)) = form_bool(form, "team_race") {
            settings.insert("team_race".to_owned(), json!(t));
        }
    }
    let mut ints: Vec<(&str, i64, i64)> = vec![("chat_message_delay", 0, 90)];
    if preparing {
        ints.push(("start_delay", 10, 60));
        ints.push(("time_limit", 1, 72));
    }
    for (key, min, max) in ints {
        let default = defaults.get(key).and_then(Value::as_i64).unwrap_or(0);
        let value = match form.get(key).filter(|v| !v.is_empty()) {
            None => default,
            Some(v) => match v.parse::<i64>() {
                Ok(n) => n,
                Err(_) => {
                    add_error(&mut errors, key, "Enter a whole number.");
                    continue;
                }
            },
        };
        if value < min {
            add_error(
                &mut errors,
                key,
                &format!("Ensure this value is greater than or equal to {min}."),
            );
        } else if value > max {
            add_error(
                &mut errors,
                key,
                &format!("Ensure this value is less than or equal to {max}."),
            );
        } else {
            settings.insert(key.to_owned(), json!(value));
        }
    }
    for key in ["info_user", "info_bot"] {
        if form.get(key).is_some_and(|v| v.chars().count() > 1000) {
            add_error(
                &mut errors,
                key,
                "Ensure this value has at most 1000 characters.",
            );
        }
    }
    if preparing {
        let goal = form.get("goal").filter(|g| !g.is_empty());
        let custom = form.get("custom_goal").filter(|g| !g.is_empty());
        match (goal, custom) {
            (Some(_), Some(_)) => add_error(
                &mut errors,
                "__all__",
                "You need to set a goal for this race, or a custom goal. Not both.",
            ),
            (Some(g), None) if w.goals.contains(g) => {
                race.goal = g.clone();
                race.goal_custom = false;
            }
            (Some(_), None) => add_error(
                &mut errors,
                "goal",
                "Select a valid choice. That choice is not one of the available choices.",
            ),
            (None, Some(c)) => {
                race.goal = c.clone();
                race.goal_custom = true;
            }
            (None, None) => add_error(
                &mut errors,
                "__all__",
                "You need to set a goal for this race.",
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    race.settings = settings;
    race.info_user = form.get("info_user").cloned().unwrap_or_default();
    if creating || form.contains_key("info_bot") {
        race.info_bot = form.get("info_bot").cloned().unwrap_or_default();
    }
    Ok(())
}

fn start_race(w: &mut World, form: &HashMap<String, String>) -> Response {
    let slug = w.new_slug();
    let mut race = new_race(w, &slug);
    if let Err(errors) = apply_form(w, &mut race, form, true, true) {
        return json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({"errors": errors}));
    }
    if form_bool(form, "invitational").ok().flatten() == Some(true) {
        race.status = "invitational".to_owned();
    }
    race.opened_by_bot = Some(w.bot_name.clone());
    let name = format!("{}/{}", race.category, slug);
    w.races.insert(slug.clone(), race);
    let text = format!("Race opened automatically by {}", w.bot_name);
    w.post_chat(&slug, None, None, &text, true, false, Value::Null);
    Response::builder()
        .status(StatusCode::CREATED)
        .header("Location", format!("/{name}"))
        .body("")
}

pub(crate) fn new_race(w: &mut World, slug: &str) -> RaceRec {
    RaceRec {
        category: w.category.clone(),
        slug: slug.to_owned(),
        version: 1,
        status: "open".to_owned(),
        goal: w.goals.first().cloned().unwrap_or_default(),
        goal_custom: false,
        info_user: String::new(),
        info_bot: String::new(),
        settings: default_settings(),
        entrants: Vec::new(),
        monitors: Vec::new(),
        chat: Vec::new(),
        guids: Default::default(),
        bot_meta: Map::new(),
        opened_by_bot: None,
        opened_at: w.now(),
        started_at: None,
        ended_at: None,
        cancelled_at: None,
    }
}

fn edit_race(w: &mut World, slug: &str, form: &HashMap<String, String>) -> Response {
    let Some(mut race) = w.races.get(slug).cloned() else {
        return empty(StatusCode::NOT_FOUND);
    };
    if is_done(&race.status) {
        return empty(StatusCode::FORBIDDEN);
    }
    let preparing = matches!(race.status.as_str(), "open" | "invitational");
    let old_goal = race.goal.clone();
    let old_info = race.info_user.clone();
    if let Err(errors) = apply_form(w, &mut race, form, false, preparing) {
        return json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({"errors": errors}));
    }
    let goal_changed = race.goal != old_goal;
    let info_changed = race.info_user != old_info;
    w.races.insert(slug.to_owned(), race);
    let bot = w.bot_name.clone();
    if goal_changed {
        w.post_chat(
            slug,
            None,
            None,
            &format!("##bot##{bot}## set a new goal."),
            true,
            false,
            Value::Null,
        );
    }
    if info_changed {
        w.post_chat(
            slug,
            None,
            None,
            &format!("##bot##{bot}## updated the race information."),
            true,
            false,
            Value::Null,
        );
    }
    w.race_changed(slug);
    empty(StatusCode::OK)
}

async fn bot_socket(
    world: Shared,
    slug: String,
    token: Option<String>,
    socket: poem::web::websocket::WebSocketStream,
) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn = {
        let mut w = lock(&world);
        let id = w.next_id();
        w.add_socket(
            id,
            Conn {
                slug: slug.clone(),
                tx,
            },
        );
        if !w.quiet {
            w.connections
                .push((slug.clone(), token.clone().unwrap_or_default()));
        }
        if let Some((data, renders)) = w.race_frames(&slug) {
            w.send_to(id, data);
            w.send_to(id, renders);
        }
        id
    };
    let writer = tokio::spawn(async move {
        while let Some(out) = rx.recv().await {
            match out {
                Out::Text(t) => {
                    if sink.send(Message::Text(t)).await.is_err() {
                        break;
                    }
                }
                Out::Close => {
                    let _ = sink.send(Message::Close(None)).await;
                    let _ = sink.close().await;
                    break;
                }
            }
        }
    });
    while let Some(Ok(msg)) = stream.next().await {
        match msg {
            Message::Text(text) => {
                let received_at = std::time::Instant::now();
                let mut w = lock(&world);
                if !w.sockets.contains_key(&conn) {
                    break;
                }
                if !w.quiet {
                    w.received.push((slug.clone(), text.clone()));
                }
                on_action(&mut w, conn, &slug, token.as_deref(), &text, received_at);
            }
            Message::Close(_) => break,
            _ => {}
        }
    }
    lock(&world).remove_socket(conn);
    writer.abort();
}

fn error_frame(w: &World, conn: u64, errors: &[&str]) {
    let frame = json!({"type": "error", "date": w.now(), "errors": errors}).to_string();
    w.send_to(conn, frame);
}

const NOT_ENTRANT: &str = "Specified user is not a race entrant.";
const NO_USER: &str = "No user found matching the given ID.";

fn on_action(
    w: &mut World,
    conn: u64,
    slug: &str,
    token: Option<&str>,
    text: &str,
    received_at: std::time::Instant,
) {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        error_frame(
            w,
            conn,
            &[
                "Unable to process that message (encountered invalid or corrupted data). Sorry about that.",
            ],
        );
        return;
    };
    let action = frame
        .get("action")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let data = frame.get("data").cloned().unwrap_or(Value::Null);
    match action.as_str() {
        "ping" => {
            let f = json!({"type": "pong", "date": w.now()}).to_string();
            w.send_to(conn, f);
            return;
        }
        "getrace" => {
            if let Some((d, r)) = w.race_frames(slug) {
                w.send_to(conn, d);
                w.send_to(conn, r);
            }
            return;
        }
        "gethistory" => {
            let messages = w
                .races
                .get(slug)
                .map(|r| r.chat.clone())
                .unwrap_or_default();
            let f =
                json!({"type": "chat.history", "date": w.now(), "messages": messages}).to_string();
            w.send_to(conn, f);
            return;
        }
        _ => {}
    }
    const KNOWN: &[&str] = &[
        "message",
        "pin_message",
        "unpin_message",
        "setinfo",
        "setmeta",
        "make_open",
        "make_invitational",
        "begin",
        "cancel",
        "invite",
        "accept_request",
        "force_unready",
        "remove_entrant",
        "add_monitor",
        "remove_monitor",
        "override_stream",
    ];
    if !KNOWN.contains(&action.as_str()) {
        error_frame(
            w,
            conn,
            &["Action is missing or not recognised. Check your input and try again."],
        );
        return;
    }
    if !w.token_valid(token) {
        error_frame(
            w,
            conn,
            &["Permission denied. Check your authorization token."],
        );
        return;
    }
    // Everything but the chat log and the guid set, which grow with every message.
    let Some(race) = w.races.get(slug).map(RaceRec::snapshot) else {
        return;
    };
    let bot = w.bot_name.clone();
    let user_arg = data.get("user").and_then(Value::as_str).map(str::to_owned);
    // Entrant-targeted actions: resolve the user first.
    let entrant_idx = |w: &World| -> Result<usize, &'static str> {
        let id = user_arg.as_deref().unwrap_or("");
        if !w.users.contains_key(id) {
            return Err(NO_USER);
        }
        race.entrants
            .iter()
            .position(|e| e.user == id)
            .ok_or(NOT_ENTRANT)
    };
    let preparing = matches!(race.status.as_str(), "open" | "invitational");
    let result: Result<bool, String> = match action.as_str() {
        "message" => {
            let message = data.get("message").and_then(Value::as_str).unwrap_or("");
            let guid = data.get("guid").and_then(Value::as_str).unwrap_or("");
            let guid_ok = !guid.is_empty()
                && guid
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase() || c == '-');
            if !guid_ok {
                Err("Bad request, no GUID supplied. A unique string is required to prevent duplicate messaging.".to_owned())
            } else if message.is_empty() {
                Err("message: This field is required.".to_owned())
            } else if message.chars().count() > 1000 {
                Err("message: Ensure this value has at most 1000 characters.".to_owned())
            } else if w.races.get(slug).is_some_and(|r| r.guids.contains(guid)) {
                Ok(false)
            } else {
                if let Some(r) = w.races.get_mut(slug) {
                    r.guids.insert(guid.to_owned());
                }
                let direct_to = data.get("direct_to").and_then(Value::as_str);
                if let Some(to) = direct_to {
                    let id = w.hashid('M');
                    let to_user = w.users.get(to).map_or(Value::Null, |u| u.minimal());
                    let mut body = Map::new();
                    body.insert("message".to_owned(), json!(id));
                    body.insert("from_user".to_owned(), Value::Null);
                    body.insert("from_bot".to_owned(), json!(bot));
                    body.insert("to".to_owned(), to_user);
                    w.broadcast(slug, "chat.dm", body);
                } else {
                    let pinned = data.get("pinned").and_then(Value::as_bool).unwrap_or(false);
                    let actions = data.get("actions").cloned().unwrap_or(Value::Null);
                    if let Some(feed) = &w.bot_message_feed {
                        let sent = feed.send(BotMessage {
                            room: format!("{}/{slug}", race.category),
                            text: message.to_owned(),
                            received_at,
                        });
                        if sent.is_err() {
                            w.bot_message_feed = None;
                        }
                    }
                    w.post_chat(slug, None, Some(&bot), message, false, pinned, actions);
                }
                Ok(false)
            }
        }
        "pin_message" | "unpin_message" => {
            let id = data.get("message").and_then(Value::as_str).unwrap_or("");
            let pin = action == "pin_message";
            let found = w.races.get_mut(slug).and_then(|r| {
                r.chat.iter_mut().find(|m| m["id"] == id).map(|m| {
                    m["is_pinned"] = json!(pin);
                    m.clone()
                })
            });
            match found {
                Some(m) => {
                    let mut body = Map::new();
                    body.insert("message".to_owned(), m);
                    w.broadcast(slug, if pin { "chat.pin" } else { "chat.unpin" }, body);
                    Ok(false)
                }
                None => Err("Could not find a message with that ID.".to_owned()),
            }
        }
        "setinfo" => {
            let info_bot = data.get("info_bot").and_then(Value::as_str).unwrap_or("");
            let info_user = data
                .get("info_user")
                .or_else(|| data.get("info"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if info_bot.chars().count() > 1000 || info_user.chars().count() > 1000 {
                Err("info_bot: Ensure this value has at most 1000 characters.".to_owned())
            } else {
                if let Some(r) = w.races.get_mut(slug) {
                    if !info_bot.is_empty() {
                        r.info_bot = info_bot.to_owned();
                    }
                    if !info_user.is_empty() {
                        r.info_user = info_user.to_owned();
                    }
                }
                let text = format!("##bot##{bot}## updated the race information.");
                w.post_chat(slug, None, None, &text, true, false, Value::Null);
                Ok(true)
            }
        }
        "setmeta" => {
            let mut meta = race.bot_meta.clone();
            if let Value::Object(m) = &data {
                for (k, v) in m {
                    meta.insert(k.clone(), v.clone());
                }
            }
            if json!({"bot_meta": meta}).to_string().len() > 2048 {
                Err("Bot metadata is too large.".to_owned())
            } else {
                if let Some(r) = w.races.get_mut(slug) {
                    r.bot_meta = meta;
                    r.version += 1;
                }
                Ok(false)
            }
        }
        "make_open" => {
            if race.status == "invitational" {
                set_status(w, slug, "open");
                Ok(true)
            } else {
                Err("Race is not an invitational.".to_owned())
            }
        }
        "make_invitational" => {
            if race.status == "open" {
                set_status(w, slug, "invitational");
                Ok(true)
            } else {
                Err("Race is not open.".to_owned())
            }
        }
        "begin" => {
            let ready = race.entrants.iter().filter(|e| e.status == "ready").count();
            if preparing && ready >= 2 {
                if let Some(r) = w.races.get_mut(slug) {
                    r.entrants.retain(|e| {
                        e.status == "ready" || matches!(e.status.as_str(), "invited" | "requested")
                    });
                }
                set_status(w, slug, "pending");
                Ok(true)
            } else {
                Err("Race cannot be started yet.".to_owned())
            }
        }
        "cancel" => {
            if is_done(&race.status) {
                Err("This race has already been completed.".to_owned())
            } else {
                if let Some(r) = w.races.get_mut(slug) {
                    r.settings.insert("unlisted".to_owned(), json!(false));
                }
                set_status(w, slug, "cancelled");
                Ok(true)
            }
        }
        "invite" => {
            let id = user_arg.clone().unwrap_or_default();
            match w.users.get(&id).cloned() {
                None => Err(NO_USER.to_owned()),
                Some(u) if race.entrants.iter().any(|e| e.user == id) => {
                    Err(format!("{} is already an entrant.", u.name))
                }
                Some(u) if !preparing => {
                    Err(format!("{} is not allowed to join this race.", u.name))
                }
                Some(_) => {
                    if let Some(r) = w.races.get_mut(slug) {
                        r.entrants.push(EntrantRec {
                            user: id,
                            status: "invited".to_owned(),
                            place: None,
                            stream_override: false,
                            team: None,
                        });
                    }
                    Ok(true)
                }
            }
        }
        "accept_request" | "force_unready" | "remove_entrant" | "add_monitor"
        | "remove_monitor" | "override_stream" => match entrant_idx(w) {
            Err(e) => Err(e.to_owned()),
            Ok(i) => entrant_action(w, slug, &race, i, &action, preparing),
        },
        _ => Ok(false),
    };
    match result {
        Ok(true) => w.race_changed(slug),
        Ok(false) => {}
        Err(e) => error_frame(w, conn, &[e.as_str()]),
    }
}

fn entrant_action(
    w: &mut World,
    slug: &str,
    race: &RaceRec,
    i: usize,
    action: &str,
    preparing: bool,
) -> Result<bool, String> {
    let e = &race.entrants[i];
    let name = w
        .users
        .get(&e.user)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let Some(r) = w.races.get_mut(slug) else {
        return Ok(false);
    };
    match action {
        "accept_request" => {
            if e.status != "requested" {
                return Err(format!(
                    "{name} has not requested to join this race. Refresh to continue."
                ));
            }
            r.entrants[i].status = "not_ready".to_owned();
            Ok(true)
        }
        "force_unready" => {
            if !preparing || e.status != "ready" {
                return Err(format!("{name} is not ready. Refresh to continue."));
            }
            r.entrants[i].status = "not_ready".to_owned();
            Ok(true)
        }
        "remove_entrant" => {
            if !preparing || e.status == "declined" {
                return Err(format!(
                    "{name} cannot be removed from this race. Refresh to continue."
                ));
            }
            r.entrants.remove(i);
            Ok(true)
        }
        "add_monitor" => {
            if r.monitors.contains(&e.user) || is_done(&r.status) {
                return Ok(false);
            }
            if r.monitors.len() >= 5 {
                return Err("This race already has the maximum number of monitors.".to_owned());
            }
            r.monitors.push(e.user.clone());
            Ok(true)
        }
        "remove_monitor" => {
            let before = r.monitors.len();
            r.monitors.retain(|m| m != &e.user);
            Ok(r.monitors.len() != before)
        }
        "override_stream" => {
            let streaming = r
                .settings
                .get("streaming_required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let joined = matches!(e.status.as_str(), "ready" | "not_ready");
            if !preparing || !streaming || !joined || e.stream_override {
                return Err("You cannot set a stream override for this entrant at this time. Refresh to continue.".to_owned());
            }
            r.entrants[i].stream_override = true;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Moves a race to `status` (timestamps too), without broadcasting.
pub(crate) fn set_status(w: &mut World, slug: &str, status: &str) {
    let now = w.now();
    if let Some(r) = w.races.get_mut(slug) {
        r.status = status.to_owned();
        match status {
            "in_progress" => r.started_at = Some(now),
            "finished" => r.ended_at = Some(now),
            "cancelled" => r.cancelled_at = Some(now),
            _ => {}
        }
    }
}
