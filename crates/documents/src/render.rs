//! Laid-out sections to a PDF/A-2b file (archival: the fonts are embedded and
//! subset, the text can be searched and copied), with each page's number.

use chrono::{DateTime, Datelike, Timelike, Utc};
use koprogo_domain::account::Language;
use krilla::Document;
use krilla::color::luma;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime as PdfDateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::{SerializeSettings, surface::Surface};

use crate::DocumentError;
use crate::format::t_with;
use crate::layout::{BOLD, HEIGHT, MARGIN, Op, REGULAR, RIGHT, Section, WIDTH, width};

fn gray(level: u8) -> Fill {
    Fill { paint: luma::Color::new(level).into(), ..Fill::default() }
}

fn draw(surface: &mut Surface<'_>, fonts: &(Font, Font), op: &Op) {
    match op {
        Op::Text { x, y, size, bold, gray: level, text } => {
            surface.set_fill(Some(gray(*level)));
            let font = if *bold { fonts.1.clone() } else { fonts.0.clone() };
            let text = crate::layout::printable(text, *bold);
            surface.draw_text(Point::from_xy(*x, *y), font, *size, &text, false, TextDirection::Auto);
        }
        Op::Fill { x, y, w, h, gray: level } => {
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                let mut path = PathBuilder::new();
                path.push_rect(rect);
                if let Some(path) = path.finish() {
                    surface.set_stroke(None);
                    surface.set_fill(Some(gray(*level)));
                    surface.draw_path(&path);
                }
            }
        }
        Op::Line { x1, y1, x2, y2 } => {
            let mut path = PathBuilder::new();
            path.move_to(*x1, *y1);
            path.line_to(*x2, *y2);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke { paint: luma::Color::new(150).into(), width: 0.5, ..Stroke::default() }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Modules { x, y, module, n, dark } => {
            let mut path = PathBuilder::new();
            for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
                let (row, column) = (i / n, i % n);
                let to_points = |cell: usize| f32::from(u16::try_from(cell).unwrap_or(u16::MAX)) * module;
                if let Some(rect) = Rect::from_xywh(x + to_points(column), y + to_points(row), *module, *module) {
                    path.push_rect(rect);
                }
            }
            if let Some(path) = path.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(gray(0)));
                surface.draw_path(&path);
            }
        }
    }
}

fn pdf_time(at: DateTime<Utc>) -> PdfDateTime {
    let small = |v: u32| u8::try_from(v).unwrap_or(0);
    PdfDateTime::new(u16::try_from(at.year()).unwrap_or(2000))
        .month(small(at.month()))
        .day(small(at.day()))
        .hour(small(at.hour()))
        .minute(small(at.minute()))
        .second(small(at.second()))
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// The sections as one PDF, each section's pages numbered "1 / n".
pub fn pdf(title: &str, lang: Language, created: DateTime<Utc>, sections: &[Section]) -> Result<Vec<u8>, DocumentError> {
    let configuration =
        ConfigurationBuilder::new().with_archival_validator(Archival::A2_B).finish().map_err(|e| DocumentError::Pdf(format!("{e:?}")))?;
    let settings = SerializeSettings { configuration, ..SerializeSettings::default() };
    let mut document = Document::new_with(settings);
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language(lang.as_str().to_owned())
            .creator("KoproGo".to_owned())
            .creation_date(pdf_time(created)),
    );
    let fonts = (
        Font::new(REGULAR.into(), 0).ok_or_else(|| DocumentError::Pdf("the regular font does not load".into()))?,
        Font::new(BOLD.into(), 0).ok_or_else(|| DocumentError::Pdf("the bold font does not load".into()))?,
    );
    let size = PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| DocumentError::Pdf("page size".into()))?;
    for section in sections {
        let count = section.pages.len();
        let lang = section.lang.unwrap_or(lang);
        for (index, ops) in section.pages.iter().enumerate() {
            let mut page = document.start_page_with(size.clone());
            let mut surface = page.surface();
            for op in ops {
                draw(&mut surface, &fonts, op);
            }
            let number = t_with(lang, "doc-page", &[("page", (index + 1).to_string()), ("pages", count.to_string())]);
            let footer_y = HEIGHT - 36.0;
            let footer = [
                Op::Text { x: MARGIN, y: footer_y, size: 7.0, bold: false, gray: 110, text: section.footer.clone() },
                Op::Text { x: RIGHT - width(&number, 7.0, false), y: footer_y, size: 7.0, bold: false, gray: 110, text: number },
            ];
            for op in footer.iter().filter(|op| !matches!(op, Op::Text { text, .. } if text.is_empty())) {
                draw(&mut surface, &fonts, op);
            }
            surface.finish();
            page.finish();
        }
    }
    document.finish().map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names people have, and names an attacker types: scripts the font
    /// lacks, emoji sequences, joiners, combining marks, right-to-left text.
    pub const HOSTILE_NAMES: &[&str] = &[
        "山田 太郎",
        "김민준",
        "👨‍👩‍👧‍👦 Famille Dubois",
        "🏳️‍🌈 Arc-en-ciel",
        "محمد بن سلمان",
        "שלום כהן",
        "Z̶̢̛a̵l̷g̸o̴ Zoë",
        "e\u{301}le\u{300}ve",
        "zero\u{200B}width\u{2060}joiner\u{200D}",
        "\u{202E}gnirts desrever\u{202C}",
        "tag\u{E0041}\u{E007F}",
        "𝔐𝔞𝔱𝔥 𝕭𝖔𝖑𝖉",
        "ᚠᛇᚻ᛫ᛒᛦᚦ",
    ];

    #[test]
    fn any_name_prints_in_an_archivable_pdf() {
        for bold in [false, true] {
            for name in HOSTILE_NAMES {
                let ops = vec![Op::Text { x: MARGIN, y: 100.0, size: 10.0, bold, gray: 0, text: (*name).to_owned() }];
                let section = Section { pages: vec![ops], lang: Some(Language::Fr), footer: (*name).to_owned() };
                let pdf = pdf(name, Language::Fr, Utc::now(), &[section]);
                assert!(pdf.is_ok(), "{name:?} (bold {bold}): {:?}", pdf.err());
            }
        }
    }

    #[test]
    fn what_the_font_lacks_is_replaced_and_what_draws_nothing_is_dropped() {
        assert_eq!(crate::layout::printable("山田 Dubois", false), "?? Dubois");
        assert_eq!(crate::layout::printable("tag\u{E0041}\u{E007F}", false), "tag");
        assert_eq!(crate::layout::printable("Zoë Müller-Ştefan", false), "Zoë Müller-Ştefan");
    }
}
