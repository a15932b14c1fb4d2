//! Guild ids are stored only as salted SHA-256 hashes.

use sha2::{Digest, Sha256};

/// The hash stored for `guild_id`: `sha256_hex("<guild_id>:<salt>")`, or, with an empty
/// salt, `sha256_hex("no_salt_configured")` for every guild (the Python bot's rule: an
/// unsalted id hash could be reversed by enumerating guild ids).
pub fn guild_hash(guild_id: u64, salt: &str) -> String {
    let input = if salt.is_empty() {
        "no_salt_configured".to_owned()
    } else {
        format!("{guild_id}:{salt}")
    };
    Sha256::digest(input.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_python_bot_test_vectors() {
        assert_eq!(
            guild_hash(123_456_789_012_345_678, "pepper"),
            "0f1cf2fb2e4e43a21c2f43ed1c8bc87188f8c0b66ecc2685873dca4b1c7205d5"
        );
        assert_eq!(
            guild_hash(1, ""),
            "5de0568711a59907cc0a0c262efabb14a679068be38ac599356374e6d66d5b92"
        );
        assert_eq!(guild_hash(2, ""), guild_hash(1, ""));
    }
}
