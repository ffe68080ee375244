//! The behaviour every `Store` must have. Each store crate runs the whole
//! suite against itself with `store_contract!(fresh_store_fn)`: round trips of
//! every entity, tenant isolation, atomicity, totals and paging order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod assemblies;
mod audit;
mod calls;
mod chase;
mod debits;
mod money;
mod privacy;
mod property;
pub mod sample;
mod team;
mod transfer;

pub use accounts::*;
pub use assemblies::*;
pub use audit::*;
pub use calls::*;
pub use chase::*;
pub use debits::*;
pub use money::*;
pub use privacy::*;
pub use property::*;
pub use team::*;
pub use transfer::*;

#[macro_export]
macro_rules! store_contract {
    ($fresh:path; $($case:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                $crate::$case($fresh().await).await
            }
        )+
    };
    ($fresh:path) => {
        $crate::store_contract!($fresh;
            building_round_trips,
            other_tenants_see_nothing,
            units_keep_their_building_totals,
            a_refused_quota_leaves_nothing_behind,
            unit_numbers_are_unique_per_building,
            references_across_tenants_are_refused,
            owners_round_trip_with_every_field,
            shares_never_exceed_the_whole_unit,
            ownership_lists_filter_by_unit_owner_and_day,
            expenses_round_trip_and_keep_status_totals,
            only_draft_expenses_are_rewritten_or_deleted,
            deleting_what_others_depend_on_is_refused,
            pages_are_stable_and_complete,
            visibility_limits_lists,
            accounts_register_and_find_users,
            a_taken_email_is_a_conflict,
            memberships_carry_their_scope,
            sessions_resolve_expire_and_end,
            refresh_tokens_rotate_once,
            a_new_password_ends_every_session,
            a_hash_is_upgraded_only_from_itself,
            organizations_list_their_usage,
            a_refused_distribution_leaves_nothing_behind,
            approving_shares_in_the_same_transaction,
            calls_number_their_lines_and_payments_find_them,
            debits_are_recorded_once_and_settle_paid_expenses,
            a_call_is_issued_once_per_key,
            a_call_is_removed_until_money_reaches_it_then_reversed,
            reminders_round_trip_once_per_level,
            statements_read_an_owner_s_charges_and_the_account_s_fund,
            audit_chains_read_back_and_stay_apart,
            an_audited_change_and_its_event_are_kept_or_lost_together,
            concurrent_writers_never_fork_a_chain,
            a_stale_head_hint_never_misplaces_an_event,
            every_column_is_in_the_inventory,
            an_erased_owner_keeps_a_pseudonym_and_the_amounts_only,
            the_last_syndic_is_not_erased,
            consent_is_recorded_with_its_date,
            a_snapshot_describes_what_it_holds,
            an_association_moves_with_its_whole_file,
            every_building_table_moves_with_the_association,
            an_invitation_is_accepted_once_while_live,
            a_password_reset_is_spent_once,
            assemblies_round_trip_and_stay_in_their_organisation,
            the_agenda_is_numbered_and_closes_with_the_draft,
        );
    };
}
