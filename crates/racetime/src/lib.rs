//! A racetime.gg bot client.
