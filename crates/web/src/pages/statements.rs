//! An owner's statement (décompte) on screen, as a PDF and as Excel — the
//! owner's portal shows their own — and a building's ledger to download.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::statements::{Balance, OwnerStatement};
use koprogo_app::{App, AppError};
use koprogo_domain::expense::Fund;
use koprogo_domain::ids::{BuildingId, OwnerId};

use super::calls::building_filter;
use super::render::{error_page, page};
use super::session::{Chrome, Viewer};
use crate::api::statements::{PDF, XLSX, file, reader_language};
use crate::error::ApiError;
use crate::wire::{Id, parse_optional_date};

#[derive(serde::Deserialize, Default)]
pub struct Period {
    building: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The building and period asked; `None` leaves the choice to the app's defaults.
type Asked = (Option<BuildingId>, Option<chrono::NaiveDate>, Option<chrono::NaiveDate>);

impl Period {
    fn parse(&self) -> Result<Asked, ApiError> {
        let mut v = koprogo_domain::error::Violations::new();
        let from = v.check("from", parse_optional_date(self.from.as_deref())).flatten();
        let to = v.check("to", parse_optional_date(self.to.as_deref())).flatten();
        let building = building_filter(self.building.as_deref())?;
        if v.is_empty() { Ok((building, from, to)) } else { Err(ApiError::invalid(&v)) }
    }
}

async fn statement_of(app: &App, viewer: &Viewer, owner: OwnerId, period: &Period) -> Result<OwnerStatement, ApiError> {
    let (building, from, to) = period.parse()?;
    Ok(app.owner_statement(&viewer.actor, owner, building, from, to).await?)
}

/// The statement, for a file: its export goes into the trail.
async fn exported(app: &App, viewer: &Viewer, owner: OwnerId, period: &Period, document: &str) -> Result<OwnerStatement, ApiError> {
    let statement = statement_of(app, viewer, owner, period).await?;
    app.record_export(&viewer.actor, document, owner.as_uuid()).await?;
    Ok(statement)
}

/// The owner portal's entry: an owner's own statement.
pub async fn own(chrome: Chrome, viewer: Viewer) -> Response {
    match viewer.actor.owner.as_ref() {
        Some(scope) => Redirect::to(&format!("/owners/{}/statement", scope.owner_id)).into_response(),
        None => error_page(&chrome, &AppError::NotFound.into()),
    }
}

pub struct Line {
    pub date: String,
    pub what: String,
    pub detail: String,
    pub working: String,
    pub reserve: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "statement.html")]
struct StatementPage<'a> {
    chrome: &'a Chrome,
    owner: String,
    building: String,
    building_id: String,
    period: String,
    from: String,
    to: String,
    pdf_link: String,
    xlsx_link: String,
    /// Charges, calls and payments: (title, lines).
    sections: Vec<(String, Vec<Line>)>,
    /// (label, opening, called, paid, closing)
    summary: Vec<(String, String, String, String, String)>,
    verdict: String,
    settlement: String,
}

fn summary(chrome: &Chrome, s: &OwnerStatement) -> Vec<(String, String, String, String, String)> {
    let (lang, called, paid) = (chrome.lang, s.called(), s.paid());
    let row = |label: String, f: fn(Balance) -> koprogo_domain::money::Cents| {
        (label, lang.money(f(s.opening)), lang.money(f(called)), lang.money(f(paid)), lang.money(f(s.closing)))
    };
    vec![row(chrome.t("fund-working"), |b| b.working), row(chrome.t("fund-reserve"), |b| b.reserve), row(chrome.t("total"), Balance::total)]
}

fn charge_lines(chrome: &Chrome, s: &OwnerStatement) -> Vec<Line> {
    let lang = chrome.lang;
    let only = |fund: Fund, c: &koprogo_app::ports::money::OwnerCharge| if c.fund == fund { lang.money(c.amount) } else { String::new() };
    s.charges
        .iter()
        .map(|c| Line {
            date: lang.date(c.date),
            what: format!("{} — {}", c.supplier, c.description),
            detail: format!(
                "{} · {} {} / {}",
                c.key_name.clone().unwrap_or_else(|| chrome.t("call-key-general")),
                c.unit_number,
                c.weight,
                c.weight_total
            ),
            working: only(Fund::Working, c),
            reserve: only(Fund::Reserve, c),
            amount: lang.money(c.amount),
        })
        .collect()
}

fn call_lines(chrome: &Chrome, s: &OwnerStatement) -> Vec<Line> {
    let lang = chrome.lang;
    s.calls
        .iter()
        .map(|l| Line {
            date: lang.date(l.as_of),
            what: if l.reversal { format!("{} — {}", chrome.t("statement-cancelled"), l.title) } else { l.title.clone() },
            detail: format!("{} {}", chrome.t("call-due"), lang.date(l.due_date)),
            working: lang.money(l.line.working),
            reserve: lang.money(l.line.reserve),
            amount: lang.money(koprogo_domain::money::Cents::new(l.line.working.get() + l.line.reserve.get()).unwrap_or_default()),
        })
        .collect()
}

fn payment_lines(chrome: &Chrome, s: &OwnerStatement) -> Vec<Line> {
    let lang = chrome.lang;
    s.payments
        .iter()
        .map(|p| Line {
            date: lang.date(p.value_date),
            what: p.communication.map(|c| c.to_string()).or_else(|| p.free_text.clone()).unwrap_or_default(),
            detail: p.counterparty_name.clone().unwrap_or_default(),
            working: p.allocation.map(|a| lang.money(a.working)).unwrap_or_default(),
            reserve: p.allocation.map(|a| lang.money(a.reserve)).unwrap_or_default(),
            amount: lang.money(p.amount),
        })
        .collect()
}

pub async fn show(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, Query(period): Query<Period>) -> Response {
    let s = match statement_of(&app, &viewer, OwnerId::from_uuid(id), &period).await {
        Ok(s) => s,
        Err(error) => return error_page(&chrome, &error),
    };
    let lang = chrome.lang;
    let (charges, calls, payments) = (charge_lines(&chrome, &s), call_lines(&chrome, &s), payment_lines(&chrome, &s));
    let closing = s.closing.total();
    let verdict = match closing.get() {
        0 => chrome.t("statement-settled"),
        v if v > 0 => lang.t_with("statement-owed", &[("amount", lang.money(closing).into())]),
        v => lang.t_with("statement-credit", &[("amount", lang.money(koprogo_domain::money::Cents::new(-v).unwrap_or_default()).into())]),
    };
    let settlement = lang.t_with(
        "statement-settlement",
        &[
            ("charges", lang.money(s.charges_of(Fund::Working)).into()),
            ("called", lang.money(s.called().working).into()),
            ("difference", lang.money(s.working_difference()).into()),
        ],
    );
    let query = format!("?building={}&from={}&to={}", s.association.building.id, s.from, s.to);
    let template = StatementPage {
        chrome: &chrome,
        owner: s.owner.details.display_name(),
        building: s.association.building.details.name.to_string(),
        building_id: s.association.building.id.to_string(),
        period: lang.t_with("statement-period", &[("from", lang.date(s.from).into()), ("to", lang.date(s.to).into())]),
        from: s.from.to_string(),
        to: s.to.to_string(),
        pdf_link: format!("/owners/{}/statement.pdf{query}", s.owner.id),
        xlsx_link: format!("/owners/{}/statement.xlsx{query}", s.owner.id),
        summary: summary(&chrome, &s),
        sections: vec![
            (chrome.t("statement-charges"), charges),
            (chrome.t("statement-calls"), calls),
            (chrome.t("statement-payments"), payments),
        ],
        verdict,
        settlement,
    };
    page(&chrome, &template)
}

pub async fn pdf(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, Query(period): Query<Period>) -> Response {
    match exported(&app, &viewer, OwnerId::from_uuid(id), &period, "statement.pdf").await {
        Ok(s) => match koprogo_documents::statement_pdf(&s, app.clock.now()) {
            Ok(pdf) => file(pdf, PDF, &format!("decompte-{}-{}.pdf", s.from, s.to)),
            Err(error) => error_page(&chrome, &AppError::Internal(anyhow::anyhow!("statement: {error}")).into()),
        },
        Err(error) => error_page(&chrome, &error),
    }
}

pub async fn xlsx(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    Id(id): Id,
    headers: HeaderMap,
    Query(period): Query<Period>,
) -> Response {
    match statement_of(&app, &viewer, OwnerId::from_uuid(id), &period).await {
        Ok(s) => {
            match koprogo_documents::statement_sheet(&s, reader_language(Some(chrome.lang.code()), &headers, s.owner.details.language)) {
                Ok(xlsx) => file(xlsx, XLSX, &format!("decompte-{}-{}.xlsx", s.from, s.to)),
                Err(error) => error_page(&chrome, &AppError::Internal(anyhow::anyhow!("statement sheet: {error}")).into()),
            }
        }
        Err(error) => error_page(&chrome, &error),
    }
}

/// The building's ledger of the period (its financial year by default).
pub async fn ledger(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, Query(period): Query<Period>) -> Response {
    let found = async {
        let (_, from, to) = period.parse()?;
        let ledger = app.building_ledger(&viewer.actor, BuildingId::from_uuid(id), from, to).await?;
        app.record_export(&viewer.actor, "ledger.xlsx", id).await?;
        Ok::<_, ApiError>(ledger)
    };
    match found.await {
        Ok(l) => match koprogo_documents::ledger_sheet(&l, chrome.lang.language()) {
            Ok(xlsx) => file(xlsx, XLSX, &format!("grand-livre-{}-{}.xlsx", l.from, l.to)),
            Err(error) => error_page(&chrome, &AppError::Internal(anyhow::anyhow!("ledger: {error}")).into()),
        },
        Err(error) => error_page(&chrome, &error),
    }
}
