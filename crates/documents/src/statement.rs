//! An owner's statement (décompte) for a period as a PDF in the owner's
//! language: their charges by key and expense, the advances called, the
//! payments received, and the balance by fund before and after.

use chrono::{DateTime, Utc};
use koprogo_app::statements::{Balance, OwnerStatement};
use koprogo_domain::account::Language;
use koprogo_domain::expense::Fund;
use koprogo_domain::money::Cents;

use crate::format::{date, money, t, t_with};
use crate::layout::{Flow, MARGIN, col};
use crate::letters::{footer, letterhead};
use crate::{DocumentError, render};

fn heading(flow: &mut Flow, text: &str) {
    flow.ensure(50.0);
    flow.y += 18.0;
    flow.text(MARGIN, flow.y, 10.5, true, 0, text);
    flow.y += 6.0;
}

fn cents(value: i64) -> Cents {
    Cents::new(value).unwrap_or_default()
}

/// `3 / 1000`: a unit's weight under the key used.
fn weight(numerator: u64, denominator: u64) -> String {
    format!("{numerator} / {denominator}")
}

fn charges(flow: &mut Flow, lang: Language, s: &OwnerStatement) {
    heading(flow, &t(lang, "statement-charges"));
    if s.charges.is_empty() {
        flow.paragraph(MARGIN, 9.0, false, &t(lang, "statement-none"));
        return;
    }
    let columns =
        [col(62.0, false), col(138.0, false), col(60.0, false), col(34.0, false), col(52.0, true), col(70.0, false), col(67.28, true)];
    let header = ["doc-date", "doc-description", "statement-key", "statement-unit", "statement-share", "sheet-fund", "doc-amount"]
        .map(|k| t(lang, k));
    let mut rows: Vec<(bool, Vec<String>)> = s
        .charges
        .iter()
        .map(|c| {
            let key = c.key_name.clone().unwrap_or_else(|| t(lang, "statement-key-general"));
            (
                false,
                vec![
                    date(lang, c.date),
                    format!("{} — {}", c.supplier, c.description),
                    key,
                    c.unit_number.clone(),
                    weight(c.weight, c.weight_total),
                    t(lang, &format!("fund-{}", c.fund.as_str())),
                    money(lang, c.amount),
                ],
            )
        })
        .collect();
    let total = s.charges_of(Fund::Working).get() + s.charges_of(Fund::Reserve).get();
    rows.push((
        true,
        vec![t(lang, "doc-total"), String::new(), String::new(), String::new(), String::new(), String::new(), money(lang, cents(total))],
    ));
    flow.table(&columns, &header, &rows);
}

fn calls(flow: &mut Flow, lang: Language, s: &OwnerStatement) {
    heading(flow, &t(lang, "statement-calls"));
    if s.calls.is_empty() {
        flow.paragraph(MARGIN, 9.0, false, &t(lang, "statement-none"));
        return;
    }
    let columns = [col(62.0, false), col(148.0, false), col(62.0, false), col(71.0, true), col(71.0, true), col(69.28, true)];
    let header = ["doc-date", "sheet-title", "statement-due-date", "fund-working", "fund-reserve", "doc-total"].map(|k| t(lang, k));
    let mut rows: Vec<(bool, Vec<String>)> = s
        .calls
        .iter()
        .map(|l| {
            let total = cents(l.line.working.get() + l.line.reserve.get());
            (
                false,
                vec![
                    date(lang, l.as_of),
                    crate::format::call_title(lang, l),
                    date(lang, l.due_date),
                    money(lang, l.line.working),
                    money(lang, l.line.reserve),
                    money(lang, total),
                ],
            )
        })
        .collect();
    let called = s.called();
    rows.push((
        true,
        vec![
            t(lang, "doc-total"),
            String::new(),
            String::new(),
            money(lang, called.working),
            money(lang, called.reserve),
            money(lang, called.total()),
        ],
    ));
    flow.table(&columns, &header, &rows);
}

fn payments(flow: &mut Flow, lang: Language, s: &OwnerStatement) {
    heading(flow, &t(lang, "statement-payments"));
    if s.payments.is_empty() {
        flow.paragraph(MARGIN, 9.0, false, &t(lang, "statement-none"));
        return;
    }
    let columns = [col(62.0, false), col(196.0, false), col(71.0, true), col(71.0, true), col(83.28, true)];
    let header = ["doc-date", "statement-communication", "fund-working", "fund-reserve", "doc-amount"].map(|k| t(lang, k));
    let mut rows: Vec<(bool, Vec<String>)> = s
        .payments
        .iter()
        .map(|p| {
            let what = p.communication.map(|c| c.to_string()).or_else(|| p.free_text.clone()).unwrap_or_default();
            let (w, r) = p.allocation.map_or((Cents::default(), Cents::default()), |a| (a.working, a.reserve));
            (false, vec![date(lang, p.value_date), what, money(lang, w), money(lang, r), money(lang, p.amount)])
        })
        .collect();
    let paid = s.paid();
    rows.push((
        true,
        vec![t(lang, "doc-total"), String::new(), money(lang, paid.working), money(lang, paid.reserve), money(lang, paid.total())],
    ));
    flow.table(&columns, &header, &rows);
}

fn summary(flow: &mut Flow, lang: Language, s: &OwnerStatement) {
    heading(flow, &t(lang, "statement-summary"));
    let columns = [col(143.28, false), col(85.0, true), col(85.0, true), col(85.0, true), col(85.0, true)];
    let header =
        ["call-fund", "statement-col-opening", "statement-col-called", "statement-col-paid", "statement-col-closing"].map(|k| t(lang, k));
    let (called, paid) = (s.called(), s.paid());
    let row = |label: String, f: fn(Balance) -> Cents, bold: bool| {
        (bold, vec![label, money(lang, f(s.opening)), money(lang, f(called)), money(lang, f(paid)), money(lang, f(s.closing))])
    };
    let rows = vec![
        row(t(lang, "fund-working"), |b| b.working, false),
        row(t(lang, "fund-reserve"), |b| b.reserve, false),
        row(t(lang, "doc-total"), Balance::total, true),
    ];
    flow.table(&columns, &header, &rows);
    let closing = s.closing.total();
    let verdict = match closing.get() {
        0 => t(lang, "statement-settled"),
        v if v > 0 => t_with(lang, "statement-owed", &[("amount", money(lang, closing))]),
        v => t_with(lang, "statement-credit", &[("amount", money(lang, cents(-v)))]),
    };
    flow.paragraph(MARGIN, 10.0, true, &verdict);
    let args = [
        ("charges", money(lang, s.charges_of(Fund::Working))),
        ("called", money(lang, called.working)),
        ("difference", money(lang, s.working_difference())),
    ];
    flow.y += 4.0;
    flow.paragraph(MARGIN, 8.5, false, &t_with(lang, "statement-settlement", &args));
}

pub fn statement_pdf(s: &OwnerStatement, created: DateTime<Utc>) -> Result<Vec<u8>, DocumentError> {
    let lang = s.owner.details.language;
    let subject = t(lang, "statement-title");
    let period = t_with(lang, "statement-period", &[("from", date(lang, s.from)), ("to", date(lang, s.to))]);
    let mut flow = Flow::new(lang, format!("{subject} · {} · {period}", s.owner.details.display_name()), footer(lang, &s.association));
    letterhead(&mut flow, lang, &s.association, &s.owner, created.date_naive(), &subject);
    flow.paragraph(MARGIN, 9.5, false, &period);
    charges(&mut flow, lang, s);
    calls(&mut flow, lang, s);
    payments(&mut flow, lang, s);
    summary(&mut flow, lang, s);
    flow.y += 6.0;
    flow.paragraph(MARGIN, 7.5, false, &t_with(lang, "doc-generated", &[("date", date(lang, created.date_naive()))]));
    render::pdf(&format!("{subject} — {period}"), lang, created, &[flow.finish()])
}
