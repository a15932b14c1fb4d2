//! Guild scheduled events of the fake (`/guilds/{g}/scheduled-events[/{id}]`): list, get,
//! create, edit (fields merged), delete. Unknown ids answer 404 with Discord's code 10070.

use std::collections::BTreeMap;

use poem::Response;
use poem::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::server::World;

/// Discord's error code for an unknown guild scheduled event.
const UNKNOWN_EVENT: u64 = 10070;

/// The scheduled events the fake holds, by id.
pub(crate) type Store = BTreeMap<u64, Value>;

fn respond(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

fn unknown() -> Response {
    respond(
        StatusCode::NOT_FOUND,
        &json!({"code": UNKNOWN_EVENT, "message": "Unknown Guild Scheduled Event"}),
    )
}

/// A scheduled event object as Discord answers it, from a create body.
pub(crate) fn event_json(id: u64, guild: &str, creator: u64, body: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "guild_id": guild,
        "channel_id": null,
        "creator_id": creator.to_string(),
        "name": body["name"],
        "description": body.get("description").cloned().unwrap_or(Value::Null),
        "scheduled_start_time": body["scheduled_start_time"],
        "scheduled_end_time": body.get("scheduled_end_time").cloned().unwrap_or(Value::Null),
        "privacy_level": body.get("privacy_level").cloned().unwrap_or_else(|| json!(2)),
        "status": 1,
        "entity_type": body.get("entity_type").cloned().unwrap_or_else(|| json!(3)),
        "entity_id": null,
        "entity_metadata": body.get("entity_metadata").cloned().unwrap_or(Value::Null),
        "recurrence_rule": null,
        "user_count": 0,
        "image": null,
    })
}

/// Answers a scheduled-event route, or `None` when the request is not one.
pub(crate) fn route(
    w: &mut World,
    method: &Method,
    segs: &[&str],
    body: &Value,
) -> Option<Response> {
    let ["guilds", guild, "scheduled-events", rest @ ..] = segs else {
        return None;
    };
    let guild = (*guild).to_owned();
    let in_guild = |e: &Value| e["guild_id"].as_str() == Some(guild.as_str());
    Some(match (method.clone(), rest) {
        (Method::GET, []) => {
            let list: Vec<Value> = w
                .scheduled_events
                .values()
                .filter(|e| in_guild(e))
                .cloned()
                .collect();
            respond(StatusCode::OK, &Value::Array(list))
        }
        (Method::POST, []) => {
            let id = w.next_id();
            let event = event_json(id, &guild, w.config.application_id, body);
            w.scheduled_events.insert(id, event.clone());
            respond(StatusCode::OK, &event)
        }
        (method, [event]) => {
            let Some(id) = event
                .parse::<u64>()
                .ok()
                .filter(|id| w.scheduled_events.get(id).is_some_and(in_guild))
            else {
                return Some(unknown());
            };
            match method {
                Method::GET => respond(StatusCode::OK, &w.scheduled_events[&id]),
                Method::PATCH => {
                    let Some(stored) = w.scheduled_events.get_mut(&id) else {
                        return Some(unknown());
                    };
                    if let Value::Object(fields) = body {
                        for (k, v) in fields {
                            stored[k] = v.clone();
                        }
                    }
                    respond(StatusCode::OK, stored)
                }
                Method::DELETE => {
                    w.scheduled_events.remove(&id);
                    Response::builder().status(StatusCode::NO_CONTENT).body("")
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}
