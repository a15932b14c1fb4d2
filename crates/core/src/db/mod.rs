//! Database connection and the sea-orm entities of the bot's tables.
