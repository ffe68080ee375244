//! Paged, sorted lists. Every sort a client may ask for is a closed enum that
//! the stores map to an indexed column; the id breaks ties so pages are stable.

use koprogo_domain::{Invalid, error::Violations};

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;

/// One page of a list, with the total count of matching items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn empty() -> Self {
        Page { items: Vec::new(), total: 0 }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), total: self.total }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListQuery<S> {
    /// From 1.
    pub page: u32,
    pub per_page: u32,
    pub sort: S,
    pub descending: bool,
}

impl<S: Copy> ListQuery<S> {
    /// Parses raw paging parameters; `page` from 1, `per_page` 1..=100.
    pub fn parse(page: Option<i64>, per_page: Option<i64>, sort: S, order: Option<&str>) -> Result<Self, Violations> {
        let mut violations = Violations::new();
        let page = violations.check("page", bounded(page.unwrap_or(1), 1, 1_000_000));
        let per_page = violations.check("per_page", bounded(per_page.unwrap_or(i64::from(DEFAULT_PER_PAGE)), 1, i64::from(MAX_PER_PAGE)));
        let descending = violations.check(
            "order",
            match order.map(|o| o.trim().to_ascii_lowercase()).as_deref() {
                None | Some("asc") => Ok(false),
                Some("desc") => Ok(true),
                Some(_) => Err(Invalid::NotOneOf("asc desc")),
            },
        );
        match (page, per_page, descending) {
            (Some(page), Some(per_page), Some(descending)) if violations.is_empty() => Ok(Self { page, per_page, sort, descending }),
            _ => Err(violations),
        }
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

fn bounded(value: i64, min: i64, max: i64) -> Result<u32, Invalid> {
    if (min..=max).contains(&value) {
        u32::try_from(value).map_err(|_| Invalid::OutOfRange { min, max })
    } else {
        Err(Invalid::OutOfRange { min, max })
    }
}

koprogo_domain::code_enum!(BuildingSort { Name = "name", City = "city", PostalCode = "postal_code", CreatedAt = "created_at" });
koprogo_domain::code_enum!(UnitSort { Number = "unit_number", Floor = "floor", Quota = "quota", CreatedAt = "created_at" });
koprogo_domain::code_enum!(OwnerSort { LastName = "last_name", FirstName = "first_name", Email = "email", CreatedAt = "created_at" });
koprogo_domain::code_enum!(OwnershipSort { StartDate = "start_date", CreatedAt = "created_at" });
koprogo_domain::code_enum!(ExpenseSort { Date = "expense_date", Amount = "amount", Supplier = "supplier", CreatedAt = "created_at" });
koprogo_domain::code_enum!(CallSort { AsOf = "as_of", DueDate = "due_date" });
koprogo_domain::code_enum!(PaymentSort { ValueDate = "value_date" });
koprogo_domain::code_enum!(ReminderSort { SentOn = "sent_on" });
koprogo_domain::code_enum!(AssemblySort { MeetsAt = "meets_at" });
koprogo_domain::code_enum!(AuditSort { Seq = "seq" });
koprogo_domain::code_enum!(OrganizationSort { Name = "name", CreatedAt = "created_at" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_and_bounds() {
        let q = ListQuery::parse(None, None, BuildingSort::Name, None).unwrap();
        assert_eq!((q.page, q.per_page, q.descending, q.offset()), (1, 20, false, 0));
        let q = ListQuery::parse(Some(3), Some(100), BuildingSort::Name, Some("DESC")).unwrap();
        assert_eq!((q.offset(), q.descending), (200, true));
        let errors = ListQuery::parse(Some(0), Some(101), BuildingSort::Name, Some("up")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["page", "per_page", "order"]);
    }
}
