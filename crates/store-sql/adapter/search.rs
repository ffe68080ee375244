//! Search by words, written once for both databases: `LOWER(column) LIKE`
//! with the wildcards of the words escaped.

use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::ports::search::{Found, SearchStore};
use koprogo_store_sql::prelude::*;

fn query(columns: &str, table: &str, tenant: TenantId) -> QueryBuilder<Db> {
    let mut qb = QueryBuilder::new(format!("SELECT {columns} FROM {table} WHERE organization_id = "));
    qb.push_bind(tenant.as_uuid());
    qb
}

#[async_trait::async_trait]
impl SearchStore for Adapter {
    async fn search(&self, tenant: TenantId, words: &[String], limit: u32) -> StoreResult<Found> {
        if words.is_empty() {
            return Ok(Found::default());
        }
        let mut c = self.reader(tenant).await?;
        let limited = |qb: &mut QueryBuilder<Db>, order: &str| {
            qb.push(format_args!(" ORDER BY {order}, id"));
            push_page(qb, limit, 0);
        };
        let mut b = query(BUILDING_COLUMNS, "buildings", tenant);
        push_words(&mut b, &["name", "city", "street"], words);
        limited(&mut b, "name");
        let buildings: Vec<BuildingRow> = b.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
        let mut u = query(UNIT_COLUMNS, "units", tenant);
        push_words(&mut u, &["unit_number"], words);
        limited(&mut u, "unit_number");
        let units: Vec<UnitRow> = u.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
        let mut o = query(OWNER_COLUMNS, "owners", tenant);
        o.push(" AND erased_at IS NULL");
        push_words(&mut o, &["last_name", "first_name", "email"], words);
        limited(&mut o, "last_name, first_name");
        let owners: Vec<OwnerRow> = o.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
        let mut e = query(EXPENSE_COLUMNS, "expenses", tenant);
        push_words(&mut e, &["supplier", "description", "invoice_number"], words);
        limited(&mut e, "expense_date DESC");
        let expenses: Vec<ExpenseRow> = e.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
        drop(c);
        let owners = owners.into_iter().map(Owner::try_from).collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<OwnerId> = owners.iter().map(|o| o.id).collect();
        let held = self.owner_buildings(tenant, &ids).await?;
        Ok(Found {
            buildings: buildings.into_iter().map(BuildingSummary::try_from).collect::<Result<_, _>>()?,
            units: units.into_iter().map(Unit::try_from).collect::<Result<_, _>>()?,
            owners: owners
                .into_iter()
                .map(|o| {
                    let of = held.iter().filter(|(owner, _)| *owner == o.id).map(|(_, b)| *b).collect();
                    (o, of)
                })
                .collect(),
            expenses: expenses.into_iter().map(Expense::try_from).collect::<Result<_, _>>()?,
        })
    }

    async fn owner_buildings(&self, tenant: TenantId, owners: &[OwnerId]) -> StoreResult<Vec<(OwnerId, BuildingId)>> {
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb = QueryBuilder::<Db>::new(
            r"
                SELECT DISTINCT ow.owner_id, u.building_id
                FROM ownerships ow
                JOIN units u ON u.organization_id = ow.organization_id AND u.id = ow.unit_id
                WHERE ow.organization_id = ",
        );
        qb.push_bind(tenant.as_uuid());
        push_in(&mut qb, "ow.owner_id", &owners.iter().map(|o| o.as_uuid()).collect::<Vec<_>>());
        let rows: Vec<(Uuid, Uuid)> = qb.build_query_as().fetch_all(&mut *self.reader(tenant).await?).await.map_err(db_error)?;
        Ok(rows.into_iter().map(|(o, b)| (OwnerId::from_uuid(o), BuildingId::from_uuid(b))).collect())
    }
}
