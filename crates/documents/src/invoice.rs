//! The platform's monthly invoice to an organisation: one line per building
//! billed, the net amount, VAT and total, with the billing rule stated.

use chrono::{DateTime, Utc};
use koprogo_app::billing::BillingSettings;
use koprogo_app::ports::billing::Invoice;
use koprogo_domain::account::Language;

use crate::format::{date, money, t, t_with};
use crate::layout::{Flow, MARGIN, RIGHT, col};
use crate::{DocumentError, render};

pub fn invoice_pdf(invoice: &Invoice, seller: &BillingSettings, lang: Language, created: DateTime<Utc>) -> Result<Vec<u8>, DocumentError> {
    let title = t_with(lang, "invoice-title", &[("number", invoice.number.clone())]);
    let footer = [seller.seller_name.as_str(), seller.seller_address.as_str(), seller.seller_vat_number.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    let mut flow = Flow::new(lang, title.clone(), footer);
    flow.text(MARGIN, flow.y, 16.0, true, 0, &seller.seller_name);
    flow.y += 16.0;
    for line in [seller.seller_address.as_str(), seller.seller_vat_number.as_str()].iter().filter(|l| !l.is_empty()) {
        flow.text(MARGIN, flow.y, 9.0, false, 60, line);
        flow.y += 12.0;
    }
    flow.text_right(RIGHT, flow.y, 10.0, true, &invoice.organization_name);
    flow.y += 28.0;
    flow.text(MARGIN, flow.y, 13.0, true, 0, &title);
    flow.y += 16.0;
    let facts = [
        t_with(lang, "invoice-date", &[("date", date(lang, invoice.issued_at.date_naive()))]),
        t_with(lang, "invoice-period", &[("from", date(lang, invoice.period.first_day())), ("to", date(lang, invoice.period.last_day()))]),
    ];
    for fact in facts {
        flow.paragraph(MARGIN, 9.5, false, &fact);
    }
    flow.y += 8.0;
    let columns = [col(383.28, false), col(100.0, true)];
    let header = [t(lang, "invoice-building"), t(lang, "doc-amount")];
    let mut rows: Vec<(bool, Vec<String>)> =
        invoice.lines.iter().map(|(_, name, amount)| (false, vec![name.clone(), money(lang, *amount)])).collect();
    let vat_rate = format!("{}.{:02}", invoice.vat_basis_points / 100, invoice.vat_basis_points % 100);
    rows.push((false, vec![t(lang, "invoice-net"), money(lang, invoice.net)]));
    rows.push((
        false,
        vec![t_with(lang, "invoice-vat", &[("rate", vat_rate.trim_end_matches(".00").to_owned())]), money(lang, invoice.vat)],
    ));
    rows.push((true, vec![t(lang, "doc-total"), money(lang, invoice.total)]));
    flow.table(&columns, &header, &rows);
    flow.y += 8.0;
    let rule = t_with(
        lang,
        "invoice-rule",
        &[("price", money(lang, seller.pricing.per_building)), ("trial", seller.pricing.trial_months.to_string())],
    );
    flow.paragraph(MARGIN, 8.5, false, &rule);
    flow.paragraph(MARGIN, 7.5, false, &t_with(lang, "doc-generated", &[("date", date(lang, created.date_naive()))]));
    render::pdf(&title, lang, created, &[flow.finish()])
}
