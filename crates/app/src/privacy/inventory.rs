//! The data inventory: every column of every table, personal or not, with
//! why it is kept and how long. The catalogue test (store-contract
//! `inventory`) compares it with both databases' schemas and fails on a column
//! that is not here; the register of processing activities (Art. 30) is
//! generated from it.

/// What a personal column says about the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Name, or a company's name.
    Identity,
    /// E-mail, phone, postal address.
    Contact,
    /// A bank account number.
    BankAccount,
    /// What the person owes, paid, holds or was claimed.
    Financial,
    /// An identifier pointing at a person's record.
    Link,
    /// Sign-in data: credentials, sessions, network addresses.
    Online,
    /// Language, consent.
    Preference,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Identity => "identity",
            Category::Contact => "contact details",
            Category::BankAccount => "bank account",
            Category::Financial => "financial situation",
            Category::Link => "identifier",
            Category::Online => "sign-in data",
            Category::Preference => "preferences and consent",
        }
    }
}

/// Why personal data is processed: one entry of the register each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Purpose {
    Register,
    Accounting,
    Communication,
    Logins,
    Accountability,
}

/// One processing activity as Art. 30 (1) describes it.
pub struct Activity {
    pub purpose: Purpose,
    pub name: &'static str,
    pub lawful_basis: &'static str,
    pub subjects: &'static str,
    pub recipients: &'static str,
    pub retention: &'static str,
}

pub const ACTIVITIES: &[Activity] = &[
    Activity {
        purpose: Purpose::Register,
        name: "Register of co-owners, their units and shares",
        lawful_basis: "Art. 6 (1) (c) GDPR: the syndic keeps the list of the people with a vote (Code civil art. 3.89 § 5)",
        subjects: "Co-owners, past and present",
        recipients: "The syndic and their staff; board members for their buildings; other co-owners and notaries where the law gives them the owners' list",
        retention: "While the person holds a unit; once they hold none, erasure on request replaces the identity by a pseudonym",
    },
    Activity {
        purpose: Purpose::Accounting,
        name: "Charges, calls for funds, payments and reminders",
        lawful_basis: "Art. 6 (1) (c) GDPR: the association's accounts (Code civil art. 3.89 § 5, PCMN of 12 July 2012)",
        subjects: "Co-owners, past and present; payers named by the bank",
        recipients: "The syndic, the accountant, the board for their buildings, the owner for their own account; the bank (transfers)",
        retention: "7 years from 1 January after the close of the financial year; an erased person keeps a pseudonym and the amounts",
    },
    Activity {
        purpose: Purpose::Communication,
        name: "Convocations and letters",
        lawful_basis: "Art. 6 (1) (c) GDPR (convocations by registered mail, Code civil art. 3.87); Art. 6 (1) (a) for convocations by e-mail, agreed in writing, with its date",
        subjects: "Co-owners",
        recipients: "The syndic; the postal service",
        retention: "While the person holds a unit; consent until withdrawn",
    },
    Activity {
        purpose: Purpose::Logins,
        name: "User accounts, roles and sessions",
        lawful_basis: "Art. 6 (1) (b) GDPR: the service the user signed up for",
        subjects: "Syndics, accountants, board members and owners who sign in",
        recipients: "The platform's operator (processor)",
        retention: "While the account exists; a session until it expires (30 days at most); erasure on request",
    },
    Activity {
        purpose: Purpose::Accountability,
        name: "Tamper-evident audit trail",
        lawful_basis: "Art. 6 (1) (f) GDPR: proving who changed what (Art. 5 (2), Art. 32)",
        subjects: "Everyone who signs in; persons whose records change (by identifier only)",
        recipients: "The syndic; the platform's operator",
        retention: "As long as the association's file: the chain is append-only and holds identifiers and network addresses, personal values masked",
    },
];

/// One table: the columns that hold personal data, and those that do not.
pub struct Table {
    pub name: &'static str,
    pub personal: &'static [(&'static str, Category, Purpose)],
    pub other: &'static [&'static str],
}

use Category::{BankAccount as Bank, Contact, Financial, Identity, Link, Online, Preference};
use Purpose::{Accountability as Trail, Accounting, Communication as Letters, Logins, Register};

pub const INVENTORY: &[Table] = &[
    Table { name: "organizations", personal: &[], other: &["id", "name", "created_at"] },
    Table {
        name: "users",
        personal: &[
            ("email", Contact, Logins),
            ("password_hash", Online, Logins),
            ("first_name", Identity, Logins),
            ("last_name", Identity, Logins),
            ("language", Preference, Logins),
        ],
        other: &["id", "is_platform_admin", "created_at", "erased_at"],
    },
    Table {
        name: "memberships",
        personal: &[("user_id", Link, Logins), ("owner_id", Link, Logins)],
        other: &["organization_id", "role", "created_at"],
    },
    Table { name: "board_seats", personal: &[("user_id", Link, Logins)], other: &["organization_id", "building_id"] },
    Table {
        name: "sessions",
        personal: &[
            ("token_digest", Online, Logins),
            ("family", Online, Logins),
            ("user_id", Link, Logins),
            ("created_at", Online, Logins),
            ("expires_at", Online, Logins),
            ("spent_at", Online, Logins),
        ],
        other: &["kind", "organization_id"],
    },
    Table {
        name: "invitations",
        personal: &[
            ("email", Contact, Logins),
            ("owner_id", Link, Logins),
            ("token_digest", Online, Logins),
            ("invited_by", Link, Logins),
            ("accepted_at", Online, Logins),
        ],
        other: &["organization_id", "id", "role", "building_ids", "expires_at", "revoked_at", "created_at"],
    },
    Table {
        name: "password_resets",
        personal: &[("token_digest", Online, Logins), ("user_id", Link, Logins), ("spent_at", Online, Logins)],
        other: &["expires_at", "created_at"],
    },
    Table { name: "counters", personal: &[], other: &["organization_id", "name", "value"] },
    Table {
        name: "buildings",
        personal: &[],
        other: &[
            "organization_id",
            "id",
            "name",
            "street",
            "postal_code",
            "city",
            "country",
            "bce_number",
            "quota_base",
            "construction_year",
            "language",
            "working_fund_iban",
            "reserve_fund_iban",
            "year_start_month",
            "year_start_day",
            "unit_count",
            "allocated_quota",
            "expense_count",
            "created_at",
            "updated_at",
        ],
    },
    Table {
        name: "units",
        personal: &[],
        other: &[
            "organization_id",
            "id",
            "building_id",
            "unit_number",
            "unit_type",
            "floor",
            "surface_hundredths",
            "quota",
            "created_at",
            "updated_at",
        ],
    },
    Table {
        name: "owners",
        personal: &[
            ("first_name", Identity, Register),
            ("last_name", Identity, Register),
            ("email", Contact, Letters),
            ("phone", Contact, Letters),
            ("street", Contact, Letters),
            ("postal_code", Contact, Letters),
            ("city", Contact, Letters),
            ("country", Contact, Letters),
            ("iban", Bank, Accounting),
            ("language", Preference, Letters),
            ("bce_number", Identity, Register),
            ("email_consent_at", Preference, Letters),
        ],
        other: &["organization_id", "id", "kind", "created_at", "updated_at", "erased_at"],
    },
    Table {
        name: "ownerships",
        personal: &[
            ("owner_id", Link, Register),
            ("share_basis_points", Financial, Register),
            ("start_date", Financial, Register),
            ("end_date", Financial, Register),
        ],
        other: &["organization_id", "id", "unit_id", "created_at", "updated_at"],
    },
    Table {
        name: "expenses",
        personal: &[],
        other: &[
            "organization_id",
            "id",
            "building_id",
            "expense_date",
            "supplier",
            "invoice_number",
            "description",
            "amount_cents",
            "vat_rate",
            "category",
            "account_code",
            "fund",
            "status",
            "created_at",
            "updated_at",
            "distribution_key_id",
            "distributed_at",
        ],
    },
    Table { name: "distribution_keys", personal: &[], other: &["organization_id", "id", "building_id", "name", "created_at"] },
    Table { name: "distribution_key_weights", personal: &[], other: &["organization_id", "key_id", "building_id", "unit_id", "weight"] },
    Table {
        name: "charge_allocations",
        personal: &[
            ("owner_id", Link, Accounting),
            ("share_basis_points", Financial, Accounting),
            ("amount_cents", Financial, Accounting),
            ("rounded_up", Financial, Accounting),
        ],
        other: &["organization_id", "expense_id", "unit_id", "unit_number", "unit_weight", "unit_amount_cents", "unit_rounded_up"],
    },
    Table {
        name: "fund_calls",
        personal: &[],
        other: &[
            "organization_id",
            "id",
            "building_id",
            "title",
            "as_of",
            "due_date",
            "working_cents",
            "reserve_cents",
            "distribution_key_id",
            "issued_at",
            "cancelled_at",
            "idempotency_key",
        ],
    },
    Table {
        name: "call_lines",
        personal: &[
            ("owner_id", Link, Accounting),
            ("working_cents", Financial, Accounting),
            ("reserve_cents", Financial, Accounting),
            ("communication", Link, Accounting),
        ],
        other: &["organization_id", "id", "call_id", "building_id", "due_date", "cancelled_at"],
    },
    Table {
        name: "reserve_fund_waivers",
        personal: &[],
        other: &["organization_id", "building_id", "fiscal_year", "decided_on", "created_at"],
    },
    Table {
        name: "bank_imports",
        personal: &[],
        other: &[
            "organization_id",
            "id",
            "building_id",
            "file_digest",
            "format",
            "account",
            "movement_count",
            "recorded_count",
            "matched_count",
            "imported_at",
            "opening_cents",
            "closing_cents",
            "closing_date",
        ],
    },
    Table {
        name: "payments",
        personal: &[
            ("amount_cents", Financial, Accounting),
            ("free_text", Identity, Accounting),
            ("counterparty_iban", Bank, Accounting),
            ("counterparty_name", Identity, Accounting),
            ("owner_id", Link, Accounting),
            ("working_cents", Financial, Accounting),
            ("reserve_cents", Financial, Accounting),
        ],
        other: &[
            "organization_id",
            "id",
            "building_id",
            "value_date",
            "communication",
            "bank_reference",
            "import_id",
            "call_line_id",
            "matched_by",
            "created_at",
            "account_fund",
        ],
    },
    Table {
        // A payee is mostly a supplier, but may be a person (a refund to an owner).
        name: "bank_debits",
        personal: &[
            ("reference", Identity, Accounting),
            ("counterparty_iban", Bank, Accounting),
            ("counterparty_name", Identity, Accounting),
        ],
        other: &[
            "organization_id",
            "id",
            "building_id",
            "import_id",
            "value_date",
            "amount_cents",
            "account_fund",
            "bank_reference",
            "expense_id",
            "matched_by",
            "created_at",
        ],
    },
    Table {
        name: "reminder_policies",
        personal: &[],
        other: &["organization_id", "building_id", "delays_days", "fees_cents", "interest_basis_points", "minimum_cents", "updated_at"],
    },
    Table {
        name: "reminders",
        personal: &[
            ("owner_id", Link, Accounting),
            ("level", Financial, Accounting),
            ("principal_cents", Financial, Accounting),
            ("fee_cents", Financial, Accounting),
            ("earlier_fees_cents", Financial, Accounting),
            ("interest_cents", Financial, Accounting),
        ],
        other: &["organization_id", "id", "building_id", "call_line_id", "oldest_due", "sent_on", "interest_from", "created_at"],
    },
    Table {
        name: "audit_events",
        personal: &[("actor_user", Link, Trail), ("object_id", Link, Trail), ("source_ip", Online, Trail)],
        other: &[
            "organization_id",
            "seq",
            "at",
            "actor_role",
            "action",
            "object_type",
            "outcome",
            "request_id",
            "changes",
            "prev_hash",
            "hash",
        ],
    },
    Table { name: "audit_heads", personal: &[], other: &["organization_id", "seq", "hash"] },
    Table {
        name: "assemblies",
        personal: &[],
        other: &[
            "organization_id",
            "id",
            "building_id",
            "kind",
            "status",
            "meets_at",
            "place",
            "remote_means",
            "identity_check",
            "follows_id",
            "created_at",
            "updated_at",
        ],
    },
    Table {
        name: "agenda_items",
        personal: &[],
        other: &["organization_id", "id", "assembly_id", "number", "title", "resolution", "kind", "special_reasons", "created_at"],
    },
    Table { name: "billed_buildings", personal: &[], other: &["organization_id", "building_id", "name", "active_from", "active_until"] },
    Table {
        name: "invoices",
        personal: &[],
        other: &["organization_id", "id", "number", "period", "issued_at", "net_cents", "vat_basis_points", "vat_cents", "total_cents"],
    },
    Table {
        name: "invoice_lines",
        personal: &[],
        other: &["organization_id", "invoice_id", "building_id", "building_name", "amount_cents"],
    },
    Table { name: "invoice_numbers", personal: &[], other: &["year", "last_number"] },
];

/// Columns of the schema the inventory does not classify, and columns it
/// names that the schema lacks: both empty when they agree.
pub fn unclassified(schema: &[(String, String)]) -> (Vec<String>, Vec<String>) {
    let classified = |table: &str, column: &str| {
        INVENTORY.iter().filter(|t| t.name == table).any(|t| t.other.contains(&column) || t.personal.iter().any(|(c, _, _)| *c == column))
    };
    let missing = schema.iter().filter(|(t, c)| !classified(t, c)).map(|(t, c)| format!("{t}.{c}")).collect();
    let named =
        INVENTORY.iter().flat_map(|t| t.other.iter().copied().chain(t.personal.iter().map(|(c, _, _)| *c)).map(move |c| (t.name, c)));
    let stale = named.filter(|(t, c)| !schema.iter().any(|(st, sc)| st == t && sc == c)).map(|(t, c)| format!("{t}.{c}")).collect();
    (missing, stale)
}

/// The personal columns of one processing activity, by category.
pub fn columns_of(purpose: Purpose) -> Vec<(Category, String)> {
    let mut columns: Vec<(Category, String)> = INVENTORY
        .iter()
        .flat_map(|t| {
            t.personal.iter().filter(|(_, _, p)| *p == purpose).map(move |(c, category, _)| (*category, format!("{}.{c}", t.name)))
        })
        .collect();
    columns.sort();
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_classified_once() {
        for table in INVENTORY {
            let mut names: Vec<&str> = table.other.iter().copied().chain(table.personal.iter().map(|(c, _, _)| *c)).collect();
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), count, "{} lists a column twice", table.name);
        }
    }

    #[test]
    fn every_purpose_has_its_activity_and_columns() {
        for purpose in [Purpose::Register, Purpose::Accounting, Purpose::Communication, Purpose::Logins, Purpose::Accountability] {
            assert_eq!(ACTIVITIES.iter().filter(|a| a.purpose == purpose).count(), 1);
            assert!(!columns_of(purpose).is_empty(), "{purpose:?} processes nothing");
        }
    }

    #[test]
    fn an_unknown_column_is_reported() {
        let schema = vec![("owners".to_owned(), "email".to_owned()), ("owners".to_owned(), "shoe_size".to_owned())];
        let (missing, stale) = unclassified(&schema);
        assert_eq!(missing, vec!["owners.shoe_size".to_owned()]);
        assert!(stale.contains(&"owners.first_name".to_owned()));
    }
}
