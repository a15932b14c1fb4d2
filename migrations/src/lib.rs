//! SahasrahBot's database migrations.
//!
//! Creates the schema from scratch on SQLite, MySQL/MariaDB and PostgreSQL, and adopts a
//! database made by the Python bot (recognised by its `aerich` table) without dropping or
//! rewriting data.
