//! A small description language for the baseline tables, and its translation into
//! sea-query statements for each backend.
//!
//! MySQL/MariaDB get the legacy types exactly (`int(11)`, `datetime(6)`, `longtext`, `json`,
//! `DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6)`, the original index names).
//! SQLite and PostgreSQL get the natural equivalents; there the `ON UPDATE` columns are left
//! to the application, and index names that are not unique across the schema get the table
//! name as a prefix (both keep index names in one namespace per schema). On SQLite, string
//! columns are `COLLATE NOCASE`, like MySQL's case-insensitive default collation.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::sea_query::{
    self as sq, Alias, ColumnDef, Expr, ForeignKeyAction, Index, IndexCreateStatement,
    TableCreateStatement,
};

/// A column's type, in the vocabulary of the legacy schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Type {
    /// `int(11)`.
    Int,
    /// `bigint(20)` (Discord ids; they exceed 2^53).
    BigInt,
    /// `smallint(6)`.
    SmallInt,
    /// `tinyint(1)`.
    Bool,
    /// `double`.
    Double,
    /// `varchar(n)`.
    Varchar(u32),
    /// `longtext`.
    Text,
    /// `json` (MariaDB: `longtext` with a `json_valid` check).
    Json,
    /// `datetime(6)`, naive UTC.
    DateTime,
    /// `date`.
    Date,
}

/// A column default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DefaultValue {
    /// No default.
    None,
    /// An integer (or, for [`Type::Bool`], 0/1).
    Int(i64),
    /// A string literal.
    Str(&'static str),
    /// The current UTC time.
    Now,
}

/// One column.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    pub(crate) name: &'static str,
    pub(crate) ty: Type,
    pub(crate) nullable: bool,
    pub(crate) auto_increment: bool,
    pub(crate) default: DefaultValue,
    pub(crate) on_update_now: bool,
}

/// A non-primary index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key {
    pub(crate) name: &'static str,
    pub(crate) columns: &'static [&'static str],
    pub(crate) unique: bool,
}

/// What happens to child rows when the parent row is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OnDelete {
    /// Delete them too.
    Cascade,
    /// Refuse the delete (MySQL DDL without an `ON DELETE` clause).
    Restrict,
}

/// A single-column foreign key.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ForeignKey {
    pub(crate) name: &'static str,
    pub(crate) column: &'static str,
    pub(crate) table: &'static str,
    pub(crate) to_column: &'static str,
    pub(crate) on_delete: OnDelete,
}

/// One table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
    pub(crate) columns: &'static [Column],
    pub(crate) primary_key: &'static [&'static str],
    pub(crate) keys: &'static [Key],
    pub(crate) foreign_keys: &'static [ForeignKey],
}

/// A NOT NULL column without default.
pub(crate) const fn col(name: &'static str, ty: Type) -> Column {
    Column {
        name,
        ty,
        nullable: false,
        auto_increment: false,
        default: DefaultValue::None,
        on_update_now: false,
    }
}

impl Column {
    pub(crate) const fn null(mut self) -> Self {
        self.nullable = true;
        self
    }
    pub(crate) const fn auto_increment(mut self) -> Self {
        self.auto_increment = true;
        self
    }
    pub(crate) const fn default_now(mut self) -> Self {
        self.default = DefaultValue::Now;
        self
    }
    pub(crate) const fn default_int(mut self, value: i64) -> Self {
        self.default = DefaultValue::Int(value);
        self
    }
    pub(crate) const fn default_str(mut self, value: &'static str) -> Self {
        self.default = DefaultValue::Str(value);
        self
    }
    pub(crate) const fn on_update_now(mut self) -> Self {
        self.on_update_now = true;
        self
    }
}

/// A `UNIQUE KEY`.
pub(crate) const fn unique(name: &'static str, columns: &'static [&'static str]) -> Key {
    Key {
        name,
        columns,
        unique: true,
    }
}

/// A plain `KEY`.
pub(crate) const fn index(name: &'static str, columns: &'static [&'static str]) -> Key {
    Key {
        name,
        columns,
        unique: false,
    }
}

/// A foreign key `column → table.to_column`.
pub(crate) const fn fk(
    name: &'static str,
    column: &'static str,
    table: &'static str,
    to_column: &'static str,
    on_delete: OnDelete,
) -> ForeignKey {
    ForeignKey {
        name,
        column,
        table,
        to_column,
        on_delete,
    }
}

/// The statements that create one table on one backend.
pub(crate) struct TableStatements {
    pub(crate) table: TableCreateStatement,
    /// Separate `CREATE INDEX` statements (SQLite and PostgreSQL; MySQL has them inline).
    pub(crate) indexes: Vec<IndexCreateStatement>,
}

fn column_def(table: &Table, c: &Column, backend: DbBackend) -> ColumnDef {
    let mut def = ColumnDef::new(Alias::new(c.name));
    let is_pk = table.primary_key == [c.name];
    match (c.ty, backend) {
        (Type::Int, DbBackend::Postgres) if c.auto_increment => def.integer().auto_increment(),
        (Type::Int, _) => def.integer(),
        (Type::BigInt, _) => def.big_integer(),
        (Type::SmallInt, _) => def.small_integer(),
        (Type::Bool, _) => def.boolean(),
        (Type::Double, _) => def.double(),
        (Type::Varchar(n), _) => def.string_len(n),
        (Type::Text, DbBackend::MySql) => def.custom(Alias::new("longtext")),
        (Type::Text, _) => def.text(),
        (Type::Json, DbBackend::MySql) => def.json(),
        (Type::Json, DbBackend::Postgres) => def.json_binary(),
        (Type::Json, _) => def.text(),
        (Type::DateTime, DbBackend::MySql) => def.custom(Alias::new("datetime(6)")),
        (Type::DateTime, DbBackend::Postgres) => def.date_time(),
        (Type::DateTime, _) => def.custom(Alias::new("datetime")),
        (Type::Date, DbBackend::Sqlite) => def.custom(Alias::new("date")),
        (Type::Date, _) => def.date(),
    };
    if c.nullable {
        def.null();
    } else {
        def.not_null();
    }
    if c.auto_increment && backend != DbBackend::Postgres {
        def.auto_increment();
    }
    // SQLite only knows AUTOINCREMENT on an inline `INTEGER PRIMARY KEY`.
    if is_pk && backend == DbBackend::Sqlite {
        def.primary_key();
    }
    match c.default {
        DefaultValue::None => {}
        DefaultValue::Int(v) if c.ty == Type::Bool && backend == DbBackend::Postgres => {
            def.default(v != 0);
        }
        DefaultValue::Int(v) => {
            def.default(v);
        }
        DefaultValue::Str(s) => {
            def.default(s);
        }
        DefaultValue::Now => {
            def.default(Expr::cust(match backend {
                DbBackend::MySql => "CURRENT_TIMESTAMP(6)",
                DbBackend::Postgres => "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')",
                DbBackend::Sqlite => "(strftime('%Y-%m-%d %H:%M:%f', 'now'))",
            }));
        }
    }
    // MySQL's utf8mb4 collations compare strings case-insensitively (preset, namespace and
    // hash lookups rely on it); NOCASE is SQLite's nearest equivalent (ASCII only).
    // PostgreSQL has no drop-in equivalent: queries there must fold case themselves.
    if backend == DbBackend::Sqlite && matches!(c.ty, Type::Varchar(_) | Type::Text) {
        def.extra("COLLATE NOCASE");
    }
    if c.on_update_now && backend == DbBackend::MySql {
        def.extra("ON UPDATE CURRENT_TIMESTAMP(6)");
    }
    def
}

fn index_statement(table: &Table, key: &Key, name: String) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(Alias::new(table.name));
    for c in key.columns {
        idx.col(Alias::new(*c));
    }
    if key.unique {
        idx.unique();
    }
    idx
}

/// The statements that create `table` on `backend`. `all` is the whole schema, used to find
/// index names that need a table prefix outside MySQL.
pub(crate) fn table_statements(
    table: &Table,
    all: &[Table],
    backend: DbBackend,
) -> TableStatements {
    let mut create = sq::Table::create();
    create.table(Alias::new(table.name));
    for c in table.columns {
        create.col(column_def(table, c, backend));
    }
    let inline_pk = backend == DbBackend::Sqlite && table.primary_key.len() == 1;
    if !inline_pk {
        let mut pk = Index::create();
        for c in table.primary_key {
            pk.col(Alias::new(*c));
        }
        create.primary_key(&mut pk);
    }
    let mut indexes = Vec::new();
    for key in table.keys {
        if backend == DbBackend::MySql {
            create.index(&mut index_statement(table, key, key.name.to_owned()));
        } else {
            let shared = all
                .iter()
                .flat_map(|t| t.keys.iter())
                .filter(|k| k.name == key.name)
                .count()
                > 1;
            let name = if shared {
                format!("{}_{}", table.name, key.name)
            } else {
                key.name.to_owned()
            };
            indexes.push(index_statement(table, key, name));
        }
    }
    for f in table.foreign_keys {
        let mut fk = sq::ForeignKey::create();
        fk.name(f.name)
            .from(Alias::new(table.name), Alias::new(f.column))
            .to(Alias::new(f.table), Alias::new(f.to_column));
        match f.on_delete {
            OnDelete::Cascade => {
                fk.on_delete(ForeignKeyAction::Cascade);
            }
            // MySQL: no clause, as the legacy DDL (the rule reads RESTRICT either way).
            OnDelete::Restrict if backend == DbBackend::MySql => {}
            OnDelete::Restrict => {
                fk.on_delete(ForeignKeyAction::Restrict);
            }
        }
        create.foreign_key(&mut fk);
    }
    if backend == DbBackend::MySql {
        create.engine("InnoDB").character_set("utf8mb4");
    }
    TableStatements {
        table: create,
        indexes,
    }
}
