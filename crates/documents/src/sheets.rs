//! Excel workbooks for the accountant: a call's lines, an owner's statement,
//! a building's ledger. Amounts are numbers in euros (formatted as such),
//! dates are dates, and every total is a formula whose cached value is the
//! exact sum of the cents, so the file opens right and recomputes alike.

use chrono::NaiveDate;
use koprogo_app::statements::{BuildingLedger, CallLetters, OwnerStatement};
use koprogo_domain::account::Language;
use koprogo_domain::money::Cents;
use rust_xlsxwriter::{Format, FormatBorder, Formula, Workbook, Worksheet, XlsxError};

use crate::DocumentError;
use crate::format::{date, t, t_with};

/// One cell of a data row.
enum Cell {
    Text(String),
    Day(NaiveDate),
    Money(Cents),
    Number(f64),
}

fn euros(amount: Cents) -> f64 {
    // Exact for every amount we accept (below 2^53 cents).
    amount.get() as f64 / 100.0
}

fn column(index: u16) -> String {
    let mut name = String::new();
    let mut n = u32::from(index) + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        name.insert(0, char::from(b'A' + u8::try_from(rest).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    name
}

struct Formats {
    title: Format,
    header: Format,
    money: Format,
    day: Format,
    total_label: Format,
    total_money: Format,
}

impl Formats {
    fn new(lang: Language) -> Self {
        let money = "#,##0.00\\ \"€\";-#,##0.00\\ \"€\"";
        let day = match lang {
            Language::En => "d mmm yyyy",
            Language::De => "dd.mm.yyyy",
            _ => "dd/mm/yyyy",
        };
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            header: Format::new().set_bold().set_background_color("#E6E6E6").set_border_bottom(FormatBorder::Thin),
            money: Format::new().set_num_format(money),
            day: Format::new().set_num_format(day),
            total_label: Format::new().set_bold().set_border_top(FormatBorder::Thin),
            total_money: Format::new().set_bold().set_num_format(money).set_border_top(FormatBorder::Thin),
        }
    }
}

/// A table on one worksheet: title lines, a header, rows, and a total row.
struct Table<'a> {
    ws: &'a mut Worksheet,
    f: &'a Formats,
    row: u32,
    first_data: u32,
}

impl<'a> Table<'a> {
    fn new(ws: &'a mut Worksheet, f: &'a Formats, titles: &[String]) -> Result<Self, XlsxError> {
        let mut row = 0;
        for (i, title) in titles.iter().enumerate() {
            if i == 0 {
                ws.write_string_with_format(row, 0, title, &f.title)?;
            } else {
                ws.write_string(row, 0, title)?;
            }
            row += 1;
        }
        Ok(Table { ws, f, row: row + 1, first_data: row + 2 })
    }

    fn header(&mut self, columns: &[(String, f64)]) -> Result<(), XlsxError> {
        for (i, (name, width)) in columns.iter().enumerate() {
            let c = u16::try_from(i).unwrap_or(0);
            self.ws.write_string_with_format(self.row, c, name, &self.f.header)?;
            self.ws.set_column_width(c, *width)?;
        }
        self.ws.set_freeze_panes(self.row + 1, 0)?;
        self.row += 1;
        self.first_data = self.row;
        Ok(())
    }

    fn line(&mut self, cells: Vec<Cell>) -> Result<(), XlsxError> {
        for (i, cell) in cells.into_iter().enumerate() {
            let c = u16::try_from(i).unwrap_or(0);
            match cell {
                Cell::Text(text) => self.ws.write_string(self.row, c, text)?,
                Cell::Day(day) => self.ws.write_date_with_format(self.row, c, day, &self.f.day)?,
                Cell::Money(amount) => self.ws.write_number_with_format(self.row, c, euros(amount), &self.f.money)?,
                Cell::Number(n) => self.ws.write_number(self.row, c, n)?,
            };
        }
        self.row += 1;
        Ok(())
    }

    /// `label` in the first column and, under each money column, its sum.
    fn total(&mut self, label: &str, sums: &[(u16, Cents)]) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(self.row, 0, label, &self.f.total_label)?;
        for (c, sum) in sums {
            let name = column(*c);
            let formula = if self.row > self.first_data {
                Formula::new(format!("=SUM({name}{}:{name}{})", self.first_data + 1, self.row)).set_result(sum.to_decimal_string())
            } else {
                Formula::new("=0").set_result("0")
            };
            self.ws.write_formula_with_format(self.row, *c, formula, &self.f.total_money)?;
        }
        self.row += 1;
        Ok(())
    }
}

fn sum(amounts: impl Iterator<Item = Cents>) -> Cents {
    Cents::new(amounts.map(Cents::get).sum()).unwrap_or_default()
}

fn columns(lang: Language, spec: &[(&str, f64)]) -> Vec<(String, f64)> {
    spec.iter().map(|(key, width)| (t(lang, key), *width)).collect()
}

fn finish(mut workbook: Workbook) -> Result<Vec<u8>, DocumentError> {
    workbook.save_to_buffer().map_err(DocumentError::from)
}

/// A call's lines, one per owner, with the funds and the structured communications.
pub fn call_sheet(letters: &CallLetters, lang: Language) -> Result<Vec<u8>, DocumentError> {
    let f = Formats::new(lang);
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet().set_name(t(lang, "sheet-call"))?;
    let d = &letters.call.details;
    let titles = [
        format!("{} — {}", d.title, letters.association.building.details.name),
        format!("{} {}", t(lang, "sheet-as-of"), date(lang, d.as_of)),
        format!("{} {}", t(lang, "sheet-due"), date(lang, d.due_date)),
    ];
    let mut table = Table::new(ws, &f, &titles)?;
    table.header(&columns(
        lang,
        &[
            ("sheet-owner", 32.0),
            ("sheet-units", 16.0),
            ("sheet-communication", 24.0),
            ("fund-working", 16.0),
            ("fund-reserve", 16.0),
            ("doc-total", 16.0),
        ],
    ))?;
    for l in &letters.letters {
        let total = Cents::new(l.line.working.get() + l.line.reserve.get()).unwrap_or_default();
        table.line(vec![
            Cell::Text(l.owner.details.display_name()),
            Cell::Text(l.units.join(", ")),
            Cell::Text(l.line.communication.to_string()),
            Cell::Money(l.line.working),
            Cell::Money(l.line.reserve),
            Cell::Money(total),
        ])?;
    }
    let lines = || letters.letters.iter().map(|l| &l.line);
    let (working, reserve) = (sum(lines().map(|l| l.working)), sum(lines().map(|l| l.reserve)));
    table
        .total(&t(lang, "doc-total"), &[(3, working), (4, reserve), (5, Cents::new(working.get() + reserve.get()).unwrap_or_default())])?;
    finish(workbook)
}

/// An owner's statement: charges, calls and payments, one sheet each.
pub fn statement_sheet(s: &OwnerStatement, lang: Language) -> Result<Vec<u8>, DocumentError> {
    let f = Formats::new(lang);
    let mut workbook = Workbook::new();
    let titles = [
        format!("{} — {}", t(lang, "statement-title"), s.owner.details.display_name()),
        s.association.building.details.name.to_string(),
        t_with(lang, "sheet-period", &[("from", date(lang, s.from)), ("to", date(lang, s.to))]),
    ];
    statement_charges(workbook.add_worksheet().set_name(t(lang, "statement-charges"))?, &f, &titles, s, lang)?;
    statement_calls(workbook.add_worksheet().set_name(t(lang, "sheet-calls"))?, &f, &titles, s, lang)?;
    let mut table = Table::new(workbook.add_worksheet().set_name(t(lang, "sheet-payments"))?, &f, &titles)?;
    payment_columns(&mut table, lang)?;
    for p in &s.payments {
        table.line(payment_cells(p, &s.owner.details.display_name()))?;
    }
    let paid = s.paid();
    table.total(&t(lang, "doc-total"), &[(3, sum(s.payments.iter().map(|p| p.amount))), (4, paid.working), (5, paid.reserve)])?;
    finish(workbook)
}

fn statement_charges(ws: &mut Worksheet, f: &Formats, titles: &[String], s: &OwnerStatement, lang: Language) -> Result<(), XlsxError> {
    let mut table = Table::new(ws, f, titles)?;
    table.header(&columns(
        lang,
        &[
            ("doc-date", 12.0),
            ("statement-supplier", 24.0),
            ("doc-description", 32.0),
            ("statement-key", 16.0),
            ("statement-unit", 8.0),
            ("statement-share", 10.0),
            ("sheet-fund", 16.0),
            ("doc-amount", 14.0),
        ],
    ))?;
    for c in &s.charges {
        let share = if c.weight_total > 0 { c.weight as f64 / c.weight_total as f64 } else { 0.0 };
        table.line(vec![
            Cell::Day(c.date),
            Cell::Text(c.supplier.clone()),
            Cell::Text(c.description.clone()),
            Cell::Text(c.key_name.clone().unwrap_or_else(|| t(lang, "statement-key-general"))),
            Cell::Text(c.unit_number.clone()),
            Cell::Number(share),
            Cell::Text(t(lang, &format!("fund-{}", c.fund.as_str()))),
            Cell::Money(c.amount),
        ])?;
    }
    table.total(&t(lang, "doc-total"), &[(7, sum(s.charges.iter().map(|c| c.amount)))])
}

fn statement_calls(ws: &mut Worksheet, f: &Formats, titles: &[String], s: &OwnerStatement, lang: Language) -> Result<(), XlsxError> {
    let mut table = Table::new(ws, f, titles)?;
    table.header(&columns(
        lang,
        &[
            ("sheet-as-of", 14.0),
            ("sheet-title", 32.0),
            ("sheet-due", 12.0),
            ("sheet-communication", 24.0),
            ("fund-working", 16.0),
            ("fund-reserve", 16.0),
        ],
    ))?;
    for l in &s.calls {
        table.line(vec![
            Cell::Day(l.as_of),
            Cell::Text(crate::format::call_title(lang, l)),
            Cell::Day(l.due_date),
            Cell::Text(l.line.communication.to_string()),
            Cell::Money(l.line.working),
            Cell::Money(l.line.reserve),
        ])?;
    }
    let called = s.called();
    table.total(&t(lang, "doc-total"), &[(4, called.working), (5, called.reserve)])
}

fn payment_columns(table: &mut Table<'_>, lang: Language) -> Result<(), XlsxError> {
    table.header(&columns(
        lang,
        &[
            ("sheet-value-date", 12.0),
            ("sheet-counterparty", 28.0),
            ("sheet-communication", 28.0),
            ("doc-amount", 14.0),
            ("fund-working", 16.0),
            ("fund-reserve", 16.0),
            ("sheet-allocated", 28.0),
        ],
    ))
}

fn payment_cells(p: &koprogo_domain::payment::Payment, allocated: &str) -> Vec<Cell> {
    let (w, r) = p.allocation.map_or((Cents::default(), Cents::default()), |a| (a.working, a.reserve));
    vec![
        Cell::Day(p.value_date),
        Cell::Text(p.counterparty_name.clone().unwrap_or_default()),
        Cell::Text(p.communication.map(|c| c.to_string()).or_else(|| p.free_text.clone()).unwrap_or_default()),
        Cell::Money(p.amount),
        Cell::Money(w),
        Cell::Money(r),
        Cell::Text(allocated.to_owned()),
    ]
}

/// A building's ledger for a period: expenses, calls and payments, one sheet each.
pub fn ledger_sheet(l: &BuildingLedger, lang: Language) -> Result<Vec<u8>, DocumentError> {
    let f = Formats::new(lang);
    let mut workbook = Workbook::new();
    let titles = [
        l.association.building.details.name.to_string(),
        t_with(lang, "sheet-period", &[("from", date(lang, l.from)), ("to", date(lang, l.to))]),
    ];
    ledger_expenses(workbook.add_worksheet().set_name(t(lang, "sheet-expenses"))?, &f, &titles, l, lang)?;
    ledger_calls(workbook.add_worksheet().set_name(t(lang, "sheet-calls"))?, &f, &titles, l, lang)?;
    let mut table = Table::new(workbook.add_worksheet().set_name(t(lang, "sheet-payments"))?, &f, &titles)?;
    payment_columns(&mut table, lang)?;
    for p in &l.payments {
        let to = p.allocation.and_then(|a| l.owner_names.get(&a.owner).cloned()).unwrap_or_else(|| t(lang, "sheet-unallocated"));
        table.line(payment_cells(p, &to))?;
    }
    let allocated =
        |f: fn(&koprogo_domain::payment::Allocation) -> Cents| sum(l.payments.iter().filter_map(|p| p.allocation.as_ref().map(f)));
    let received = sum(l.payments.iter().map(|p| p.amount));
    table.total(&t(lang, "doc-total"), &[(3, received), (4, allocated(|a| a.working)), (5, allocated(|a| a.reserve))])?;
    finish(workbook)
}

fn ledger_expenses(ws: &mut Worksheet, f: &Formats, titles: &[String], l: &BuildingLedger, lang: Language) -> Result<(), XlsxError> {
    let mut table = Table::new(ws, f, titles)?;
    table.header(&columns(
        lang,
        &[
            ("doc-date", 12.0),
            ("sheet-supplier", 24.0),
            ("sheet-invoice", 12.0),
            ("doc-description", 32.0),
            ("sheet-account", 10.0),
            ("sheet-fund", 16.0),
            ("sheet-vat", 8.0),
            ("sheet-status", 12.0),
            ("doc-amount", 14.0),
        ],
    ))?;
    for e in &l.expenses {
        let d = &e.details;
        table.line(vec![
            Cell::Day(d.date),
            Cell::Text(d.supplier.to_string()),
            Cell::Text(d.invoice_number.as_ref().map(ToString::to_string).unwrap_or_default()),
            Cell::Text(d.description.to_string()),
            Cell::Text(d.account_code.as_str().to_owned()),
            Cell::Text(t(lang, &format!("fund-{}", d.fund.as_str()))),
            Cell::Text(d.vat_rate.as_str().to_owned()),
            Cell::Text(t(lang, &format!("status-{}", e.status.as_str()))),
            Cell::Money(d.amount),
        ])?;
    }
    table.total(&t(lang, "doc-total"), &[(8, sum(l.expenses.iter().map(|e| e.details.amount)))])
}

fn ledger_calls(ws: &mut Worksheet, f: &Formats, titles: &[String], l: &BuildingLedger, lang: Language) -> Result<(), XlsxError> {
    let mut table = Table::new(ws, f, titles)?;
    table.header(&columns(
        lang,
        &[
            ("sheet-as-of", 14.0),
            ("sheet-title", 32.0),
            ("sheet-due", 12.0),
            ("fund-working", 16.0),
            ("fund-reserve", 16.0),
            ("doc-total", 16.0),
        ],
    ))?;
    for c in &l.calls {
        let d = &c.details;
        let total = Cents::new(d.working.get() + d.reserve.get()).unwrap_or_default();
        table.line(vec![
            Cell::Day(d.as_of),
            Cell::Text(d.title.to_string()),
            Cell::Day(d.due_date),
            Cell::Money(d.working),
            Cell::Money(d.reserve),
            Cell::Money(total),
        ])?;
    }
    let (working, reserve) = (sum(l.calls.iter().map(|c| c.details.working)), sum(l.calls.iter().map(|c| c.details.reserve)));
    table.total(&t(lang, "doc-total"), &[(3, working), (4, reserve), (5, Cents::new(working.get() + reserve.get()).unwrap_or_default())])
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!([0, 25, 26, 27, 701].map(super::column), ["A", "Z", "AA", "AB", "ZZ"].map(String::from));
    }
}
