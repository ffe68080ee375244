//! Letters to co-owners, in each owner's language: the letters of a call for
//! funds and reminder letters. Both open with the same letterhead and close
//! with the same payment block (accounts, structured communication, QR code).

use chrono::{DateTime, Utc};
use koprogo_app::reminders::ReminderLetter;
use koprogo_app::statements::{Association, CallLetter, CallLetters};
use koprogo_domain::account::Language;
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::expense::Fund;
use koprogo_domain::money::Cents;
use koprogo_domain::owner::Owner;

use crate::epc::{Transfer, modules, payload};
use crate::format::{date, long_date, money, t, t_with};
use crate::layout::{Flow, MARGIN, RIGHT, Section, col};
use crate::{DocumentError, render};

/// One line of the association's identity, at the foot of every page.
pub(crate) fn footer(lang: Language, association: &Association) -> String {
    let d = &association.building.details;
    let mut parts = vec![t_with(lang, "doc-association", &[("name", d.name.to_string())])];
    if let Some(bce) = &d.bce_number {
        parts.push(t_with(lang, "doc-bce", &[("number", bce.dotted())]));
    }
    parts.push(t_with(lang, "doc-syndic", &[("name", association.syndic.name.to_string())]));
    parts.join(" · ")
}

/// The sender (syndic for the association), the addressee in the envelope's
/// window, the place and date, and the subject; the cursor ends below it.
pub(crate) fn letterhead(flow: &mut Flow, lang: Language, association: &Association, owner: &Owner, day: chrono::NaiveDate, subject: &str) {
    let d = &association.building.details;
    flow.text(MARGIN, 62.0, 12.0, true, 0, &association.syndic.name.to_string());
    flow.text(MARGIN, 78.0, 8.5, false, 60, &t_with(lang, "doc-association", &[("name", d.name.to_string())]));
    flow.text(MARGIN, 90.0, 8.5, false, 60, &format!("{}, {} {}", d.address.street, d.address.postal_code, d.address.city));
    if let Some(bce) = &d.bce_number {
        flow.text(MARGIN, 102.0, 8.5, false, 60, &t_with(lang, "doc-bce", &[("number", bce.dotted())]));
    }
    let x = 330.0;
    let o = &owner.details;
    let mut lines = vec![o.display_name()];
    if let Some(address) = &o.address {
        lines.push(address.street.to_string());
        let postal = address.postal_code.as_ref().map(|p| format!("{p} ")).unwrap_or_default();
        lines.push(format!("{postal}{}", address.city));
        if address.country.as_str() != "BE" {
            lines.push(address.country.as_str().to_owned());
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let y = 160.0 + 14.0 * f32::from(u8::try_from(i).unwrap_or(0));
        flow.text(x, y, 10.0, i == 0, 0, line);
    }
    let place = t_with(lang, "doc-place-date", &[("city", d.address.city.to_string()), ("date", long_date(lang, day))]);
    flow.text_right(RIGHT, 236.0, 9.5, false, &place);
    flow.y = 268.0;
    flow.text(MARGIN, flow.y, 12.5, true, 0, subject);
    flow.y += 10.0;
}

/// The height of one transfer's box (its QR code inside).
const BOX: f32 = 90.0;

/// What to pay into one account.
struct Part {
    fund: Fund,
    amount: Cents,
}

/// The accounts to pay into, the structured communication, and a QR code per
/// transfer. The reserve fund has its own account when the association
/// recorded one (art. 3.86 §3): then two transfers, else one.
fn payment_block(flow: &mut Flow, lang: Language, association: &Association, parts: &[Part], communication: StructuredCommunication) {
    let d = &association.building.details;
    let beneficiary = format!("ACP {}", d.name);
    let account_of = |fund: Fund| match fund {
        Fund::Reserve => d.reserve_fund_iban.as_ref().or(d.working_fund_iban.as_ref()),
        Fund::Working => d.working_fund_iban.as_ref(),
    };
    let separate = d.reserve_fund_iban.is_some() && d.reserve_fund_iban != d.working_fund_iban;
    let transfers: Vec<(Option<&koprogo_domain::identifiers::Iban>, Cents, Option<Fund>)> = if separate {
        parts.iter().filter(|p| p.amount.get() > 0).map(|p| (account_of(p.fund), p.amount, Some(p.fund))).collect()
    } else {
        let total = Cents::new(parts.iter().map(|p| p.amount.get()).sum()).unwrap_or_default();
        vec![(account_of(Fund::Working), total, None)]
    };
    flow.ensure(40.0);
    flow.y += 22.0;
    flow.text(MARGIN, flow.y, 11.0, true, 0, &t(lang, "pay-title"));
    flow.y += 4.0;
    if transfers.len() > 1 {
        flow.paragraph(MARGIN, 9.0, false, &t(lang, "pay-two-accounts"));
    }
    for (iban, amount, fund) in transfers {
        let Some(iban) = iban else {
            flow.paragraph(MARGIN, 9.5, false, &t(lang, "pay-no-account"));
            continue;
        };
        flow.ensure(104.0);
        let top = flow.y + 6.0;
        flow.fill(MARGIN, top, RIGHT - MARGIN, BOX, 244);
        let label = |key: &str| t(lang, key);
        let mut rows = vec![
            (label("pay-beneficiary"), beneficiary.clone(), false),
            (label("pay-account"), iban.grouped(), false),
            (label("pay-amount"), money(lang, amount), true),
            (label("pay-communication"), communication.to_string(), true),
        ];
        if let Some(fund) = fund {
            rows.insert(0, (t(lang, "call-fund"), t(lang, &format!("fund-{}", fund.as_str())), true));
        }
        for (i, (key, value, bold)) in rows.iter().enumerate() {
            let y = top + 16.0 + 15.5 * f32::from(u8::try_from(i).unwrap_or(0));
            flow.text(MARGIN + 10.0, y, 8.5, false, 70, key);
            flow.text(MARGIN + 150.0, y, 10.0, *bold, 0, value);
        }
        let code = payload(&Transfer { beneficiary: &beneficiary, iban, amount, communication }).and_then(|text| modules(&text));
        if let Some((n, dark)) = code {
            let side = BOX - 14.0;
            let module = side / f32::from(u16::try_from(n).unwrap_or(1));
            flow.modules(RIGHT - side - 7.0, top + 7.0, module, n, dark);
        }
        flow.y = top + BOX;
    }
    flow.paragraph(MARGIN, 8.0, false, &format!("{} {}", t(lang, "pay-communication-note"), t(lang, "pay-scan")));
}

fn closing(flow: &mut Flow, lang: Language) {
    flow.ensure(44.0);
    flow.y += 4.0;
    flow.paragraph(MARGIN, 9.5, false, &t(lang, "doc-regards"));
    flow.y += 18.0;
    flow.text(330.0, flow.y, 9.5, true, 0, &t(lang, "doc-signature"));
}

fn call_letter(letters: &CallLetters, letter: &CallLetter) -> Section {
    let lang = letter.owner.details.language;
    let call = &letters.call.details;
    let subject = t_with(lang, "call-subject", &[("title", call.title.to_string())]);
    let mut flow = Flow::new(lang, format!("{subject} · {}", letter.owner.details.display_name()), footer(lang, &letters.association));
    letterhead(&mut flow, lang, &letters.association, &letter.owner, letters.call.issued_at.date_naive(), &subject);
    flow.y += 10.0;
    // A cancelled call's letter says so first and asks for no payment.
    if let Some(at) = letters.call.cancelled_at {
        flow.fill(MARGIN, flow.y, RIGHT - MARGIN, 34.0, 225);
        flow.y += 14.0;
        flow.paragraph(MARGIN + 8.0, 10.0, true, &t_with(lang, "call-cancelled", &[("day", date(lang, at.date_naive()))]));
        flow.y += 10.0;
    }
    flow.paragraph(MARGIN, 9.5, false, &t(lang, "doc-greeting"));
    flow.y += 4.0;
    flow.paragraph(MARGIN, 9.5, false, &t_with(lang, "call-intro", &[("as_of", date(lang, call.as_of))]));
    flow.y += 6.0;
    if !letter.units.is_empty() {
        flow.paragraph(MARGIN, 9.0, false, &t_with(lang, "call-units", &[("units", letter.units.join(", "))]));
    }
    let key = letters.key_name.as_ref().map_or_else(|| t(lang, "call-key-general"), |k| t_with(lang, "call-key", &[("key", k.clone())]));
    flow.paragraph(MARGIN, 9.0, false, &key);
    flow.paragraph(MARGIN, 9.5, true, &t_with(lang, "call-due", &[("due", date(lang, call.due_date))]));
    flow.y += 10.0;
    let line = &letter.line;
    let total = Cents::new(line.working.get() + line.reserve.get()).unwrap_or_default();
    let mut rows: Vec<(bool, Vec<String>)> = [(Fund::Working, line.working), (Fund::Reserve, line.reserve)]
        .iter()
        .filter(|(_, amount)| amount.get() != 0)
        .map(|(fund, amount)| (false, vec![t(lang, &format!("fund-{}", fund.as_str())), money(lang, *amount)]))
        .collect();
    rows.push((true, vec![t(lang, "doc-total"), money(lang, total)]));
    let columns = [col(RIGHT - MARGIN - 140.0, false), col(140.0, true)];
    flow.table(&columns, &[t(lang, "call-fund"), t(lang, "doc-amount")], &rows);
    let parts = [Part { fund: Fund::Working, amount: line.working }, Part { fund: Fund::Reserve, amount: line.reserve }];
    if letters.call.cancelled_at.is_none() {
        payment_block(&mut flow, lang, &letters.association, &parts, line.communication);
    }
    closing(&mut flow, lang);
    flow.finish()
}

/// Every letter of the call, each starting on its own page in its owner's
/// language, in one PDF.
pub fn call_letters(letters: &CallLetters, created: DateTime<Utc>) -> Result<Vec<u8>, DocumentError> {
    let sections: Vec<Section> = letters.letters.iter().map(|l| call_letter(letters, l)).collect();
    let lang = letters.association.building.details.language;
    let title = format!("{} — {}", letters.call.details.title, letters.association.building.details.name);
    render::pdf(&title, lang, created, &sections)
}

/// A reminder letter in the owner's language: the open lines, what is
/// claimed (arrear, fees, interest), and how to pay.
pub fn reminder_letter(letter: &ReminderLetter, created: DateTime<Utc>) -> Result<Vec<u8>, DocumentError> {
    let lang = letter.owner.details.language;
    let r = &letter.reminder;
    let subject = t(lang, &format!("reminder-subject-{}", r.level.as_str()));
    let mut flow = Flow::new(lang, format!("{subject} · {}", letter.owner.details.display_name()), footer(lang, &letter.association));
    letterhead(&mut flow, lang, &letter.association, &letter.owner, r.sent_on, &subject);
    flow.y += 10.0;
    flow.paragraph(MARGIN, 9.5, false, &t(lang, "doc-greeting"));
    flow.y += 4.0;
    let days = letter.reply_days.to_string();
    flow.paragraph(MARGIN, 9.5, false, &t_with(lang, &format!("reminder-body-{}", r.level.as_str()), &[("days", days)]));
    flow.y += 10.0;
    let columns = [col(RIGHT - MARGIN - 140.0, false), col(140.0, true)];
    let mut rows: Vec<(bool, Vec<String>)> = letter
        .open_lines
        .iter()
        .map(|(l, open)| {
            let what = t_with(lang, "reminder-line", &[("title", l.title.clone()), ("due", date(lang, l.due_date))]);
            (false, vec![what, money(lang, *open)])
        })
        .collect();
    rows.push((true, vec![t(lang, "reminder-principal"), money(lang, r.principal)]));
    if r.earlier_fees.get() > 0 {
        rows.push((false, vec![t(lang, "reminder-earlier-fees"), money(lang, r.earlier_fees)]));
    }
    if r.fee.get() > 0 {
        rows.push((false, vec![t(lang, "reminder-fee"), money(lang, r.fee)]));
    }
    if let (Some(from), true) = (r.interest_from, r.interest.get() > 0) {
        let comma = if lang == Language::En { '.' } else { ',' };
        let rate = format!("{}{comma}{:02}", letter.interest_basis_points / 100, letter.interest_basis_points % 100);
        let args = [("from", date(lang, from)), ("to", date(lang, r.sent_on)), ("rate", rate)];
        rows.push((false, vec![t_with(lang, "reminder-interest", &args), money(lang, r.interest)]));
    }
    rows.push((true, vec![t(lang, "reminder-total"), money(lang, r.total())]));
    flow.table(&columns, &[t(lang, "doc-description"), t(lang, "doc-amount")], &rows);
    // The arrear's reserve-fund share goes to the reserve account; fees and interest to the working fund.
    let reserve: i64 = letter
        .open_lines
        .iter()
        .map(|(l, open)| {
            let whole = l.line.working.get() + l.line.reserve.get();
            if whole > 0 { open.get() * l.line.reserve.get() / whole } else { 0 }
        })
        .sum::<i64>()
        .min(r.principal.get());
    let parts = [
        Part { fund: Fund::Working, amount: Cents::new(r.total().get() - reserve).unwrap_or_default() },
        Part { fund: Fund::Reserve, amount: Cents::new(reserve).unwrap_or_default() },
    ];
    payment_block(&mut flow, lang, &letter.association, &parts, letter.pay_with.line.communication);
    flow.y += 6.0;
    flow.paragraph(MARGIN, 9.0, false, &t(lang, "reminder-ignore"));
    closing(&mut flow, lang);
    render::pdf(&subject, lang, created, &[flow.finish()])
}
