//! Every port of `koprogo_app::ports`, in SQL both databases run. Not a
//! module of `koprogo-store-sql`: each adapter crate compiles it with its own
//! driver, as `#[path = "../../store-sql/adapter/mod.rs"] mod sql;` beside
//! `type Adapter = …` (its store, which implements
//! `koprogo_store_sql::Connections`) and `type Db = …` (its sqlx driver).
//! See `koprogo_store_sql` for why this is not one generic store.

use crate::{Adapter, Db};

mod accounts;
mod assemblies;
mod audit;
mod billing;
mod buildings;
mod charges;
mod debits;
mod expenses;
mod lists;
mod owners;
mod payments;
mod privacy;
mod reminders;
mod search;
mod team;
mod transfer;
mod units;
