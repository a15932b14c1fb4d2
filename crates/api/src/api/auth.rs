//! API keys (api.md §2.2, DECISIONS.md "Interfaces"): rows of `authorizationkeys` with
//! permissions in `authorizationkeypermissions`. A key is sent as `Authorization: Bearer
//! <key>`, as the raw `Authorization` value, or (deprecated, logged) as `?auth_key=`; keys are
//! compared in constant time.

use poem_openapi::SecurityScheme;
use poem_openapi::auth::ApiKey;
use sahasrahbot_core::db::entities::{authorizationkeypermissions, authorizationkeys};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use subtle::ConstantTimeEq;

/// The key in the `Authorization` header: `Bearer <key>` or the raw key.
#[derive(SecurityScheme)]
#[oai(ty = "api_key", key_name = "Authorization", key_in = "header")]
pub(crate) struct HeaderKey(ApiKey);

/// The key in the `auth_key` query parameter (deprecated: keys in URLs end up in logs).
#[derive(SecurityScheme)]
#[oai(ty = "api_key", key_name = "auth_key", key_in = "query")]
pub(crate) struct QueryKey(ApiKey);

/// An API key from the header, or else from the query.
#[derive(SecurityScheme)]
pub(crate) enum ApiKeyAuth {
    /// `Authorization` header.
    Header(HeaderKey),
    /// `?auth_key=` (deprecated).
    Query(QueryKey),
}

impl ApiKeyAuth {
    /// The candidate keys: the value as sent, and without a `Bearer ` prefix when it has one.
    fn candidates(&self) -> Vec<&str> {
        match self {
            Self::Header(HeaderKey(key)) => {
                let raw = key.key.as_str();
                let mut out = vec![raw];
                if let Some(stripped) = raw
                    .strip_prefix("Bearer ")
                    .or_else(|| raw.strip_prefix("bearer "))
                {
                    out.push(stripped.trim());
                }
                out
            }
            Self::Query(QueryKey(key)) => {
                tracing::warn!(
                    "an API key was sent as ?auth_key=, which is deprecated; send `Authorization: Bearer <key>`"
                );
                vec![key.key.as_str()]
            }
        }
    }
}

/// Whether a presented key holds a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyCheck {
    /// The key holds the permission.
    Granted,
    /// The key is unknown or lacks the permission.
    Denied,
}

fn same(a: &str, b: &str) -> bool {
    // Lengths are not secret (keys of one deployment share a format); contents are compared
    // without an early exit.
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Whether `auth` names a key with a permission of type `kind` (and, when `subtype` is
/// given, exactly that subtype). Every key holding a permission of that type is compared, so
/// the time taken does not depend on which key matched.
pub(crate) async fn check(
    db: &DatabaseConnection,
    auth: &ApiKeyAuth,
    kind: &str,
    subtype: Option<&str>,
) -> Result<KeyCheck, DbErr> {
    let rows = authorizationkeypermissions::Entity::find()
        .filter(authorizationkeypermissions::Column::Type.eq(kind))
        .find_also_related(authorizationkeys::Entity)
        .all(db)
        .await?;
    let candidates = auth.candidates();
    let mut granted = false;
    for (perm, key) in &rows {
        let Some(key) = key else { continue };
        let key_matches = candidates
            .iter()
            .fold(false, |acc, c| acc | same(c, &key.key));
        let subtype_matches = subtype.is_none_or(|s| perm.subtype.as_deref() == Some(s));
        granted |= key_matches & subtype_matches;
    }
    Ok(if granted {
        KeyCheck::Granted
    } else {
        KeyCheck::Denied
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_compares_whole_strings() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert!(!same("", "a"));
    }
}
