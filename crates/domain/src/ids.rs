//! Typed identifiers: a `UnitId` can never be passed where an `OwnerId` is expected.

macro_rules! entity_id {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A new time-ordered (v7) id, friendly to B-tree indexes.
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7())
            }
            pub fn from_uuid(raw: uuid::Uuid) -> Self {
                Self(raw)
            }
            pub fn as_uuid(self) -> uuid::Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

entity_id!(
    /// An organisation: the tenant (a syndic firm or a volunteer syndic).
    TenantId,
    UserId,
    BuildingId,
    UnitId,
    OwnerId,
    OwnershipId,
    ExpenseId,
    DistributionKeyId,
    FundCallId,
    CallLineId,
    PaymentId,
    /// Money paid out of a building's account, read from a bank statement.
    DebitId,
    BankImportId,
    ReminderId,
    AssemblyId,
    AgendaItemId,
    InvitationId,
);
