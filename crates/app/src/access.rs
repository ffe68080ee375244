//! Who may do what: the actor of a request, and the policy table that every
//! use case consults before touching data. Issue-4-style matrix tests
//! enumerate `POLICY`; an operation that is not in it cannot be authorised.

use koprogo_domain::account::Role;
use koprogo_domain::ids::{BuildingId, OwnerId, TenantId, UnitId, UserId};

use crate::error::AppError;
use crate::ports::Visibility;

/// The authenticated user of a request, acting in one organisation (none for
/// the platform admin, who sees organisations, not their residents).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub tenant: Option<TenantId>,
    pub role: Role,
    /// Buildings a board member sits on.
    pub board_buildings: Vec<BuildingId>,
    /// The owner record of an owner, with the units they hold today and their buildings.
    pub owner: Option<OwnerScope>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerScope {
    pub owner_id: OwnerId,
    pub units: Vec<UnitId>,
    pub buildings: Vec<BuildingId>,
}

koprogo_domain::code_enum!(
    /// Everything an API operation can do, at the granularity of the policy.
    Action {
        ReadBuilding = "read_building",
        WriteBuilding = "write_building",
        ReadUnit = "read_unit",
        WriteUnit = "write_unit",
        ReadOwner = "read_owner",
        WriteOwner = "write_owner",
        ReadOwnership = "read_ownership",
        WriteOwnership = "write_ownership",
        ReadExpense = "read_expense",
        WriteExpense = "write_expense",
        ApproveExpense = "approve_expense",
        PayExpense = "pay_expense",
        ReadCharges = "read_charges",
        WriteKeys = "write_keys",
        DistributeExpense = "distribute_expense",
        IssueCall = "issue_call",
        CancelCall = "cancel_call",
        WaiveReserveFund = "waive_reserve_fund",
        ReadPayments = "read_payments",
        RecordPayment = "record_payment",
        ReadDebits = "read_debits",
        SettleDebit = "settle_debit",
        ExportLedger = "export_ledger",
        SendReminders = "send_reminders",
        ReadAudit = "read_audit",
        ExportPersonalData = "export_personal_data",
        RecordConsent = "record_consent",
        EraseOwner = "erase_owner",
        ReadRegister = "read_register",
        TransferAssociation = "transfer_association",
        ReadOperations = "read_operations",
        ManageBilling = "manage_billing",
        ManageUsers = "manage_users",
        Search = "search",
        ListOrganizations = "list_organizations",
        ReadAssembly = "read_assembly",
        PrepareAssembly = "prepare_assembly",
    }
);

/// How far an allowed action reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Denied,
    /// Every object of the acting organisation.
    Organization,
    /// Objects of the buildings the board member sits on.
    BoardBuildings,
    /// The owner's own units, shares and record, and their buildings' public data.
    OwnUnits,
    /// Platform-wide figures, no personal data.
    Platform,
}

use Reach::{BoardBuildings as B, Denied as D, Organization as O, OwnUnits as U, Platform as P};

/// Columns: platform_admin, syndic, accountant, board_member, owner.
pub const POLICY: &[(Action, [Reach; 5])] = &[
    (Action::ReadBuilding, [D, O, O, B, U]),
    (Action::WriteBuilding, [D, O, D, D, D]),
    (Action::ReadUnit, [D, O, O, B, U]),
    (Action::WriteUnit, [D, O, D, D, D]),
    (Action::ReadOwner, [D, O, O, B, U]),
    (Action::WriteOwner, [D, O, D, D, D]),
    (Action::ReadOwnership, [D, O, O, B, U]),
    (Action::WriteOwnership, [D, O, D, D, D]),
    (Action::ReadExpense, [D, O, O, B, U]),
    (Action::WriteExpense, [D, O, O, D, D]),
    (Action::ApproveExpense, [D, O, D, D, D]),
    (Action::PayExpense, [D, O, O, D, D]),
    (Action::ReadCharges, [D, O, O, B, U]),
    (Action::WriteKeys, [D, O, D, D, D]),
    (Action::DistributeExpense, [D, O, O, D, D]),
    (Action::IssueCall, [D, O, O, D, D]),
    (Action::CancelCall, [D, O, O, D, D]),
    (Action::WaiveReserveFund, [D, O, D, D, D]),
    (Action::ReadPayments, [D, O, O, B, U]),
    (Action::RecordPayment, [D, O, O, D, D]),
    (Action::ReadDebits, [D, O, O, B, D]),
    (Action::SettleDebit, [D, O, O, D, D]),
    (Action::ExportLedger, [D, O, O, B, D]),
    (Action::SendReminders, [D, O, O, D, D]),
    (Action::ReadAudit, [D, O, D, D, D]),
    (Action::ExportPersonalData, [D, O, D, D, U]),
    (Action::RecordConsent, [D, O, D, D, U]),
    (Action::EraseOwner, [D, O, D, D, D]),
    (Action::ReadRegister, [P, O, O, O, O]),
    (Action::TransferAssociation, [D, O, D, D, D]),
    (Action::ReadOperations, [P, D, D, D, D]),
    (Action::ManageBilling, [P, D, D, D, D]),
    (Action::ManageUsers, [D, O, D, D, D]),
    (Action::Search, [D, O, O, D, D]),
    (Action::ListOrganizations, [P, D, D, D, D]),
    (Action::ReadAssembly, [D, O, O, B, U]),
    (Action::PrepareAssembly, [D, O, D, D, D]),
];

pub fn reach(role: Role, action: Action) -> Reach {
    let column = match role {
        Role::PlatformAdmin => 0,
        Role::Syndic => 1,
        Role::Accountant => 2,
        Role::BoardMember => 3,
        Role::Owner => 4,
    };
    POLICY.iter().find(|(a, _)| *a == action).and_then(|(_, reaches)| reaches.get(column).copied()).unwrap_or(Reach::Denied)
}

/// What an authorised actor may see for one action in their organisation.
#[derive(Clone, Debug)]
pub struct Grant {
    pub tenant: TenantId,
    pub reach: Reach,
    pub visible: Visibility,
}

impl Grant {
    /// Whether an object of `building` is within reach (else it answers 404).
    pub fn sees_building(&self, building: BuildingId) -> bool {
        self.visible.buildings.as_ref().is_none_or(|ids| ids.contains(&building))
    }

    /// False when a list is filtered on a building outside the actor's reach:
    /// such a list answers empty, exactly as for a building that does not
    /// exist, whatever the rows the actor may see elsewhere would share with it.
    pub fn reaches(&self, building: Option<BuildingId>) -> bool {
        building.is_none_or(|b| self.sees_building(b))
    }

    pub fn sees_unit(&self, unit: UnitId, building: BuildingId) -> bool {
        self.sees_building(building) && self.visible.units.as_ref().is_none_or(|ids| ids.contains(&unit))
    }

    pub fn sees_owner(&self, owner: OwnerId) -> bool {
        self.visible.owner.is_none_or(|own| own == owner)
    }
}

impl Actor {
    /// Checks the policy and yields the tenant and visibility to query with.
    pub fn grant(&self, action: Action) -> Result<Grant, AppError> {
        let reach = reach(self.role, action);
        let tenant = match (reach, self.tenant) {
            (Reach::Denied | Reach::Platform, _) | (_, None) => return Err(AppError::Forbidden),
            (_, Some(tenant)) => tenant,
        };
        let visible = match reach {
            Reach::BoardBuildings => Visibility { buildings: Some(self.board_buildings.clone()), ..Visibility::default() },
            Reach::OwnUnits => match &self.owner {
                Some(scope) => Visibility {
                    buildings: Some(scope.buildings.clone()),
                    units: Some(scope.units.clone()),
                    owner: Some(scope.owner_id),
                    decided_only: true,
                },
                None => Visibility { buildings: Some(Vec::new()), units: Some(Vec::new()), owner: None, decided_only: true },
            },
            _ => Visibility::default(),
        };
        Ok(Grant { tenant, reach, visible })
    }

    /// For platform-wide operations.
    pub fn grant_platform(&self, action: Action) -> Result<(), AppError> {
        if reach(self.role, action) == Reach::Platform { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_in_the_policy_once() {
        for action in Action::ALL {
            assert_eq!(POLICY.iter().filter(|(a, _)| a == action).count(), 1, "{action}");
        }
    }

    #[test]
    fn the_platform_admin_sees_no_tenant_data() {
        let admin = Actor { user_id: UserId::generate(), tenant: None, role: Role::PlatformAdmin, board_buildings: vec![], owner: None };
        assert!(matches!(admin.grant(Action::ReadOwner), Err(AppError::Forbidden)));
        assert!(admin.grant_platform(Action::ListOrganizations).is_ok());
    }

    #[test]
    fn a_board_member_reads_only_their_buildings() {
        let seat = BuildingId::generate();
        let member = Actor {
            user_id: UserId::generate(),
            tenant: Some(TenantId::generate()),
            role: Role::BoardMember,
            board_buildings: vec![seat],
            owner: None,
        };
        let grant = member.grant(Action::ReadBuilding).unwrap();
        assert!(grant.sees_building(seat));
        assert!(!grant.sees_building(BuildingId::generate()));
        assert!(matches!(member.grant(Action::WriteExpense), Err(AppError::Forbidden)));
    }
}
