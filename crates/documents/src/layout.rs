//! Placing things on A4 pages: text measured with the embedded font's own
//! advance widths, paragraphs wrapped, tables that continue on the next page
//! under their header again. The result is a list of drawing operations per
//! page, which `render` turns into PDF; layout itself draws nothing, so it
//! can be checked without reading a PDF.

use std::sync::OnceLock;

use koprogo_domain::account::Language;
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;

pub const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

pub const WIDTH: f32 = 595.28;
pub const HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 56.0;
pub const RIGHT: f32 = WIDTH - MARGIN;
/// Below this the footer (page number) lives.
pub const BOTTOM: f32 = HEIGHT - 64.0;

/// Advance widths of one font, read once.
struct Metrics {
    widths: std::collections::HashMap<char, f32>,
    fallback: f32,
}

impl Metrics {
    fn read(data: &'static [u8]) -> Metrics {
        let Ok(font) = skrifa::FontRef::new(data) else { return Metrics { widths: Default::default(), fallback: 0.6 } };
        let upem = font.head().map(|h| f32::from(h.units_per_em())).unwrap_or(1000.0);
        let charmap = font.charmap();
        let glyphs = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let widths =
            charmap.mappings().filter_map(|(code, glyph)| Some((char::from_u32(code)?, glyphs.advance_width(glyph)? / upem))).collect();
        Metrics { widths, fallback: 0.6 }
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        printable_chars(self, text).map(|c| self.widths.get(&c).copied().unwrap_or(self.fallback)).sum::<f32>() * size
    }
}

/// Code points that draw nothing and may be dropped when the font lacks
/// them: joiners, variation selectors, bidi marks, tags, the soft hyphen.
fn ignorable(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{034F}' | '\u{061C}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0000}'..='\u{E0FFF}')
        || c.is_control()
}

/// What the font can draw of `text`: a character it has no glyph for is
/// dropped when it draws nothing anyway, else replaced by `?` (PDF/A refuses
/// a missing glyph, and one person's name must never stop a call's letters).
fn printable_chars<'a>(metrics: &'a Metrics, text: &'a str) -> impl Iterator<Item = char> + 'a {
    text.chars().filter_map(move |c| match metrics.widths.contains_key(&c) {
        true if !c.is_control() => Some(c),
        _ if ignorable(c) => None,
        _ => Some('?'),
    })
}

/// `text` as the document font draws it (see `printable_chars`).
pub fn printable(text: &str, bold: bool) -> String {
    printable_chars(metrics(bold), text).collect()
}

fn metrics(bold: bool) -> &'static Metrics {
    static FONTS: OnceLock<(Metrics, Metrics)> = OnceLock::new();
    let (regular, heavy) = FONTS.get_or_init(|| (Metrics::read(REGULAR), Metrics::read(BOLD)));
    if bold { heavy } else { regular }
}

/// The width of `text` set in the document font.
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    metrics(bold).width(text, size)
}

/// `text` cut to fit `max` points, ending with an ellipsis when cut.
pub fn fit(text: &str, size: f32, bold: bool, max: f32) -> String {
    if width(text, size, bold) <= max {
        return text.to_owned();
    }
    let mut kept = String::new();
    for c in text.chars() {
        let candidate = format!("{kept}{c}…");
        if width(&candidate, size, bold) > max {
            break;
        }
        kept.push(c);
    }
    format!("{}…", kept.trim_end())
}

/// `text` broken into lines of at most `max` points, at spaces (a word longer
/// than a line is cut).
pub fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if width(&candidate, size, bold) <= max || line.is_empty() {
            line = if width(&candidate, size, bold) <= max { candidate } else { fit(word, size, bold, max) };
        } else {
            lines.push(std::mem::take(&mut line));
            line = fit(word, size, bold, max);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One drawing operation; y grows downwards from the top of the page, and
/// a text's y is its baseline.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        gray: u8,
        text: String,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: u8,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    /// A QR code: `n` × `n` modules of `module` points, dark where true.
    Modules {
        x: f32,
        y: f32,
        module: f32,
        n: usize,
        dark: Vec<bool>,
    },
}

/// A table's text size, its row height and the leading of a wrapped cell.
const CELL: f32 = 8.5;
const ROW: f32 = 14.0;
const LEADING: f32 = 10.0;
/// The most lines a cell wraps to; the last is cut to fit.
const MAX_LINES: usize = 4;

/// A left-aligned cell's lines within its column.
fn cell_lines(cell: &str, column: &Column, bold: bool) -> Vec<String> {
    let room = column.width - 6.0;
    let mut lines = wrap(cell, CELL, bold, room);
    if lines.len() > MAX_LINES {
        let rest = lines.split_off(MAX_LINES - 1).join(" ");
        lines.push(fit(&rest, CELL, bold, room));
    }
    lines
}

/// The height of a row: one line, plus the lines its longest text wraps to.
fn row_height(columns: &[Column], cells: &[String], bold: bool) -> f32 {
    let lines =
        columns.iter().zip(cells).filter(|(c, _)| !c.right).map(|(c, cell)| cell_lines(cell, c, bold).len()).max().unwrap_or(1).max(1);
    ROW + LEADING * f32::from(u8::try_from(lines - 1).unwrap_or(u8::MAX))
}

/// Pages numbered together (one letter, one statement).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub pages: Vec<Vec<Op>>,
    pub lang: Option<Language>,
    /// Printed small at the bottom left of every page.
    pub footer: String,
}

#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub width: f32,
    pub right: bool,
}

pub const fn col(width: f32, right: bool) -> Column {
    Column { width, right }
}

/// Writes one section top to bottom, starting new pages as needed.
pub struct Flow {
    section: Section,
    ops: Vec<Op>,
    pub y: f32,
    /// Repeated at the top of every page after the first.
    running: String,
}

impl Flow {
    pub fn new(lang: Language, running: String, footer: String) -> Self {
        let section = Section { pages: Vec::new(), lang: Some(lang), footer };
        Flow { section, ops: Vec::new(), y: MARGIN, running }
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    pub fn new_page(&mut self) {
        self.section.pages.push(std::mem::take(&mut self.ops));
        self.y = MARGIN;
        let running = self.running.clone();
        self.text(MARGIN, self.y, 8.0, false, 110, &running);
        self.y += 6.0;
        self.rule(self.y);
        self.y += 18.0;
    }

    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, gray: u8, text: &str) {
        if !text.is_empty() {
            self.ops.push(Op::Text { x, y, size, bold, gray, text: text.to_owned() });
        }
    }

    /// Text that ends at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str) {
        let x = right - width(text, size, bold);
        self.text(x, y, size, bold, 0, text);
    }

    pub fn rule(&mut self, y: f32) {
        self.ops.push(Op::Line { x1: MARGIN, y1: y, x2: RIGHT, y2: y });
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, gray: u8) {
        self.ops.push(Op::Fill { x, y, w, h, gray });
    }

    pub fn modules(&mut self, x: f32, y: f32, module: f32, n: usize, dark: Vec<bool>) {
        self.ops.push(Op::Modules { x, y, module, n, dark });
    }

    /// A wrapped paragraph from `x` to the right margin; the cursor moves below it.
    pub fn paragraph(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let leading = size * 1.35;
        for line in wrap(text, size, bold, RIGHT - x) {
            self.ensure(leading);
            self.y += leading;
            self.text(x, self.y, size, bold, 0, &line);
        }
    }

    /// A table: a shaded header, then rows, the header repeated on every page
    /// it continues on. Text wraps within its column (a supplier's long name,
    /// a key's name, a fund) up to `MAX_LINES`, the last line cut; figures,
    /// right-aligned, stay on one line. A `bold` row is a total.
    pub fn table(&mut self, columns: &[Column], header: &[String], rows: &[(bool, Vec<String>)]) {
        let draw_header = |flow: &mut Flow| {
            let height = row_height(columns, header, true);
            flow.ensure(height + ROW);
            flow.fill(MARGIN, flow.y, RIGHT - MARGIN, height, 230);
            flow.cells(columns, header, true);
            flow.y += height;
        };
        draw_header(self);
        for (bold, cells) in rows {
            let height = row_height(columns, cells, *bold);
            if self.y + height > BOTTOM {
                self.new_page();
                draw_header(self);
            }
            if *bold {
                self.rule(self.y);
            }
            self.cells(columns, cells, *bold);
            self.y += height;
        }
        self.y += 4.0;
    }

    fn cells(&mut self, columns: &[Column], cells: &[String], bold: bool) {
        let baseline = self.y + 10.0;
        let mut x = MARGIN;
        for (column, cell) in columns.iter().zip(cells) {
            if column.right {
                let text = fit(cell, CELL, bold, column.width - 6.0);
                self.text_right(x + column.width - 3.0, baseline, CELL, bold, &text);
            } else {
                for (i, line) in cell_lines(cell, column, bold).iter().enumerate() {
                    let y = baseline + LEADING * f32::from(u8::try_from(i).unwrap_or(u8::MAX));
                    self.text(x + 3.0, y, CELL, bold, 0, line);
                }
            }
            x += column.width;
        }
    }

    pub fn finish(mut self) -> Section {
        self.section.pages.push(self.ops);
        self.section
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_cell_wraps_within_its_column_and_the_row_grows() {
        let columns = [col(120.0, false), col(60.0, true)];
        let supplier = "Entreprise générale de toitures et de zinguerie Vandenbroucke";
        let mut flow = Flow::new(Language::Fr, String::new(), String::new());
        flow.table(
            &columns,
            &["Fournisseur".to_owned(), "Montant".to_owned()],
            &[(false, vec![supplier.to_owned(), "1.234,56 €".to_owned()])],
        );
        let section = flow.finish();
        let texts: Vec<String> =
            section.pages.concat().iter().filter_map(|op| if let Op::Text { text, .. } = op { Some(text.clone()) } else { None }).collect();
        let shown = texts.iter().filter(|t| supplier.contains(t.as_str())).cloned().collect::<Vec<_>>().join(" ");
        assert_eq!(shown, supplier, "every word of the name is printed: {texts:?}");
        assert!(row_height(&columns, &[supplier.to_owned(), String::new()], false) > ROW);
        let long = "mot ".repeat(200);
        assert_eq!(cell_lines(&long, &columns[0], false).len(), MAX_LINES, "a cell wraps to a few lines at most");
    }

    #[test]
    fn text_is_measured_with_the_font() {
        assert!(width("MMMM", 10.0, false) > width("iiii", 10.0, false));
        assert!(width("Total", 10.0, true) > width("Total", 10.0, false));
        let cut = fit("Entretien annuel de l'ascenseur et du monte-charge", 9.0, false, 80.0);
        assert!(cut.ends_with('…') && width(&cut, 9.0, false) <= 80.0, "{cut}");
    }

    #[test]
    fn paragraphs_wrap_within_the_margins() {
        let text = "Conformément aux décisions de l'assemblée générale, nous vous prions de verser les provisions ci-dessous. ".repeat(3);
        let lines = wrap(&text, 10.0, false, 200.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| width(l, 10.0, false) <= 200.0));
        assert_eq!(lines.join(" "), text.split_whitespace().collect::<Vec<_>>().join(" "));
    }

    #[test]
    fn long_tables_continue_on_new_pages_under_their_header() {
        let mut flow = Flow::new(Language::Fr, "Décompte".into(), String::new());
        let rows: Vec<(bool, Vec<String>)> = (0..120).map(|i| (false, vec![format!("ligne {i}"), "1,00 €".into()])).collect();
        flow.table(&[col(300.0, false), col(100.0, true)], &["Libellé".into(), "Montant".into()], &rows);
        let section = flow.finish();
        assert!(section.pages.len() >= 3, "{} pages", section.pages.len());
        for page in &section.pages {
            let headers = page.iter().filter(|op| matches!(op, Op::Text { text, .. } if text == "Libellé")).count();
            assert_eq!(headers, 1);
            assert!(page.iter().all(|op| !matches!(op, Op::Text { y, .. } if *y > BOTTOM)), "nothing below the footer line");
        }
    }
}
