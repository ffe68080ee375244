//! The platform's billing and business figures: a monthly run that invoices
//! each organisation for its buildings (idempotent per month), and the seed's
//! business tables — organisations and buildings, MRR, sign-ups and churn,
//! revenue, infrastructure cost and gross margin — from the real data.

use chrono::{DateTime, Utc};
use koprogo_domain::audit::{Change, Outcome};
use koprogo_domain::billing::{Month, Pricing, draft, in_trial};
use koprogo_domain::money::Cents;
use uuid::Uuid;

use crate::App;
use crate::access::{Action, Actor};
use crate::audit::Entry;
use crate::error::AppError;
use crate::ports::billing::{Customer, Invoice};

/// Who bills, for what, and what the service costs to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillingSettings {
    pub pricing: Pricing,
    /// The servers' monthly cost, for the gross margin.
    pub infrastructure_per_month: Cents,
    pub seller_name: String,
    pub seller_address: String,
    pub seller_vat_number: String,
}

impl Default for BillingSettings {
    fn default() -> Self {
        Self {
            pricing: Pricing::default(),
            infrastructure_per_month: Cents::new(500).unwrap_or_default(),
            seller_name: "KoproGo".to_owned(),
            seller_address: String::new(),
            seller_vat_number: String::new(),
        }
    }
}

/// One month of the business table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: Month,
    /// With at least one building at the end of the month (now, for this month).
    pub active_organizations: u64,
    pub active_buildings: u64,
    pub new_organizations: u64,
    /// Active at the month's start and no longer at its end.
    pub churned_organizations: u64,
    /// Net invoiced for the month (this month: not yet invoiced, so zero).
    pub revenue: Cents,
    pub infrastructure: Cents,
    /// Revenue minus infrastructure, in cents (negative while the revenue is smaller).
    pub margin_cents: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Business {
    pub active_organizations: u64,
    pub active_buildings: u64,
    /// Buildings of organisations past their trial, at today's price.
    pub mrr: Cents,
    pub months: Vec<MonthFigures>,
}

fn active_at(customer: &Customer, at: DateTime<Utc>) -> bool {
    customer.buildings.iter().any(|b| b.active_at(at))
}

impl App {
    pub fn with_billing(mut self, settings: BillingSettings) -> Self {
        self.parts_mut().billing = std::sync::Arc::new(settings);
        self
    }

    pub fn billing_settings(&self) -> &BillingSettings {
        &self.billing
    }

    /// Invoices `period` (a month that is over) for every organisation that has
    /// none for it yet. `actor`: the platform admin, or none for the service's own run.
    pub async fn run_billing(&self, actor: Option<&Actor>, period: Month) -> Result<Vec<Invoice>, AppError> {
        if let Some(actor) = actor {
            actor.grant_platform(Action::ManageBilling)?;
        }
        if period >= Month::of(self.clock.today()) {
            return Err(AppError::invalid("period", koprogo_domain::Invalid::Date));
        }
        let pricing = self.billing.pricing;
        let drafts: Vec<_> = self
            .store
            .billing
            .customers()
            .await?
            .iter()
            .filter_map(|c| Some((c.organization.id, draft(&pricing, c.organization.created_at, &c.buildings, period)?)))
            .collect();
        let changes = vec![Change { field: "period".to_owned(), before: None, after: Some(period.to_string()) }];
        let event =
            self.event(actor, None, Entry { action: "billing.run", object_type: "billing", object_id: None, changes }, Outcome::Success);
        let issue = self.store.billing.issue_invoices(period, &drafts, pricing.vat_basis_points, self.clock.now(), vec![event]);
        let made = issue.await?;
        if !made.is_empty() {
            tracing::info!(target: "koprogo::billing", period = %period, invoices = made.len(), "invoices issued");
        }
        Ok(made)
    }

    pub async fn invoices(&self, actor: &Actor, period: Option<Month>) -> Result<Vec<Invoice>, AppError> {
        actor.grant_platform(Action::ManageBilling)?;
        Ok(self.store.billing.invoices(period, None).await?)
    }

    pub async fn invoice(&self, actor: &Actor, id: Uuid) -> Result<Invoice, AppError> {
        actor.grant_platform(Action::ManageBilling)?;
        self.store.billing.invoice(id).await?.ok_or(AppError::NotFound)
    }

    /// The business table for the last `months` months, this one included.
    pub async fn business(&self, actor: &Actor, months: u32) -> Result<Business, AppError> {
        actor.grant_platform(Action::ManageBilling)?;
        let now = self.clock.now();
        let customers = self.store.billing.customers().await?;
        let invoices = self.store.billing.invoices(None, None).await?;
        let pricing = self.billing.pricing;
        let this_month = Month::of(crate::ports::belgian_day(now));
        let active: Vec<&Customer> = customers.iter().filter(|c| active_at(c, now)).collect();
        let paying: i64 = active
            .iter()
            .filter(|c| !in_trial(c.organization.created_at, this_month, &pricing))
            .map(|c| c.buildings.iter().filter(|b| b.active_at(now)).count() as i64)
            .sum();
        let mut figures = Vec::new();
        let mut month = (0..months.saturating_sub(1)).fold(this_month, |m, _| m.previous());
        loop {
            let (start, end) = month.bounds();
            let end = end.min(now);
            let revenue: i64 = invoices.iter().filter(|i| i.period == month).map(|i| i.net.get()).sum();
            let infrastructure = self.billing.infrastructure_per_month;
            figures.push(MonthFigures {
                month,
                active_organizations: customers.iter().filter(|c| active_at(c, end)).count() as u64,
                active_buildings: customers.iter().flat_map(|c| &c.buildings).filter(|b| b.active_at(end)).count() as u64,
                new_organizations: customers.iter().filter(|c| Month::of(c.organization.created_at.date_naive()) == month).count() as u64,
                churned_organizations: customers.iter().filter(|c| active_at(c, start) && !active_at(c, end)).count() as u64,
                revenue: Cents::new(revenue).unwrap_or_default(),
                infrastructure,
                margin_cents: revenue - infrastructure.get(),
            });
            if month == this_month {
                break;
            }
            month = month.next();
        }
        Ok(Business {
            active_organizations: active.len() as u64,
            active_buildings: active.iter().flat_map(|c| &c.buildings).filter(|b| b.active_at(now)).count() as u64,
            mrr: Cents::new(paying * pricing.per_building.get()).unwrap_or_default(),
            months: figures,
        })
    }
}
