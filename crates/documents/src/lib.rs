//! The documents KoproGo prints: the letters of a call for funds and reminder
//! letters (PDF, in each owner's language, with an EPC payment QR code), an
//! owner's statement (PDF and Excel), a call's lines and a building's ledger
//! (Excel). They render what the use cases gathered; they read nothing.
//!
//! PDF files are PDF/A-2b (fonts embedded: DejaVu Sans, `fonts/LICENSE`), for
//! letters kept as proof; Excel totals are formulas carrying the exact sums.

pub mod assembly;
pub mod epc;
pub mod format;
mod invoice;
mod layout;
mod letters;
mod render;
mod sheets;
mod statement;

pub use invoice::invoice_pdf;
pub use letters::{call_letters, reminder_letter};
pub use sheets::{call_sheet, ledger_sheet, statement_sheet};
pub use statement::statement_pdf;

/// Rendering failed: a bug, never the user's input.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("Excel: {0}")]
    Excel(#[from] rust_xlsxwriter::XlsxError),
}
