//! Reference ids: the short code a user sees next to a failure, also written to the log line
//! that holds the full error, so that an operator can find one from the other.

use rand::Rng as _;

/// A fresh reference id: eight lowercase hex digits.
pub fn reference_id() -> String {
    let n: u32 = rand::thread_rng().r#gen();
    format!("{n:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_eight_hex_digits_and_vary() {
        let ids: std::collections::HashSet<String> = (0..64).map(|_| reference_id()).collect();
        assert!(ids.iter().all(|id| {
            id.len() == 8
                && id
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        }));
        assert!(ids.len() > 60, "ids repeat: {ids:?}");
    }
}
