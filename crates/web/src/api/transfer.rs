//! An association's whole file as one zip, in open formats: `data.json`
//! (every table's columns and rows, which the import reads back), the same
//! tables as CSV for a spreadsheet, and the call letters as PDF; and the
//! import of such a file into the caller's organisation.

use std::io::Write as _;

use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use koprogo_app::App;
use koprogo_app::access::Actor;
use koprogo_app::listing::{CallSort, ListQuery, MAX_PER_PAGE};
use koprogo_app::ports::transfer::{Kind, TableRows, Value, kind_of};
use koprogo_domain::ids::BuildingId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::statements::{file, rendered};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Authenticated, RawBody};
use crate::wire::Id;

pub const FORMAT: &str = "koprogo-association/1";
/// An association's file with its letters runs to megabytes.
pub(crate) const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(export)).routes(routes!(import)).layer(DefaultBodyLimit::max(IMPORT_LIMIT))
}

#[derive(Serialize, Deserialize)]
struct TableFile {
    table: String,
    columns: Vec<String>,
    rows: Vec<Vec<serde_json::Value>>,
}

#[derive(Serialize, Deserialize)]
struct DataFile {
    format: String,
    exported_at: DateTime<Utc>,
    organization: String,
    building_id: Uuid,
    tables: Vec<TableFile>,
}

fn json_value(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Uuid(v) => v.to_string().into(),
        Value::Text(v) => v.clone().into(),
        Value::Integer(v) => (*v).into(),
        Value::Boolean(v) => (*v).into(),
        Value::Date(v) => v.to_string().into(),
        Value::Timestamp(v) => v.to_rfc3339_opts(SecondsFormat::Micros, true).into(),
    }
}

/// A value read back by its column's kind; `None` when it is not one.
fn typed(kind: Kind, raw: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match (kind, raw) {
        (_, J::Null) => Value::Null,
        (Kind::Uuid, J::String(s)) => Value::Uuid(s.parse().ok()?),
        (Kind::Text, J::String(s)) => Value::Text(s.clone()),
        // Files written before postal codes were text carry them as numbers.
        (Kind::Text, J::Number(n)) => Value::Text(n.to_string()),
        (Kind::Integer, J::Number(n)) => Value::Integer(n.as_i64()?),
        (Kind::Boolean, J::Bool(b)) => Value::Boolean(*b),
        (Kind::Date, J::String(s)) => Value::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?),
        (Kind::Timestamp, J::String(s)) => Value::Timestamp(DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc)),
        _ => return None,
    })
}

fn refused(why: &str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "file", "association_file", &format!("The file was refused: {why}."))
}

/// What `data.json` may unpack to: a large association's ten years are tens
/// of megabytes; a zip bomb is refused when it gets here, not after.
pub(crate) const DATA_LIMIT: u64 = 128 * 1024 * 1024;
/// Rows an import may hold. SQLite has one writer, and an import holds it for
/// its whole transaction (all or nothing): at 100 000 rows it held it 3.3 to
/// 4 s on the reference machine, inside the 5 s that other organisations'
/// writes wait before they give up (docs/RELIABILITY.md, "Long imports").
pub(crate) const ROW_LIMIT: usize = 100_000;
/// Entries an archive may list (its letters are one per call).
const ENTRY_LIMIT: usize = 10_000;

/// A reader that fails once more than `left` bytes came out of it, so that a
/// lying size header cannot make us unpack more than we decided to.
struct Capped<R> {
    inner: R,
    left: u64,
    exceeded: bool,
}

impl<R: std::io::Read> std::io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let room = usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX).min(buf.len());
        let n = self.inner.read(&mut buf[..room])?;
        match self.left.checked_sub(n as u64) {
            Some(left) => self.left = left,
            None => {
                self.exceeded = true;
                return Err(std::io::Error::other(TooLarge));
            }
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "data.json unpacks to more than {} MiB", DATA_LIMIT / 1024 / 1024)
    }
}

impl std::error::Error for TooLarge {}

/// The tables of `data.json`, every value checked against its column's kind.
/// The entry is decompressed as it is parsed, never whole into memory.
fn read_data(bytes: &[u8]) -> ApiResult<Vec<TableRows>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| refused("it is not a zip archive"))?;
    if zip.has_duplicate_names() {
        return Err(refused("two of its entries have the same name"));
    }
    if zip.len() > ENTRY_LIMIT {
        return Err(refused(&format!("it lists more than {ENTRY_LIMIT} entries")));
    }
    let entry = zip.by_name("data.json").map_err(|_| refused("it holds no data.json"))?;
    let mut reader = std::io::BufReader::new(Capped { inner: entry, left: DATA_LIMIT, exceeded: false });
    let parsed = DataFile::deserialize(&mut serde_json::Deserializer::from_reader(&mut reader));
    let data = match parsed {
        Ok(data) => data,
        Err(_) if reader.get_ref().exceeded => return Err(refused(&TooLarge.to_string())),
        Err(e) => return Err(refused(&format!("data.json: {e}"))),
    };
    if data.format != FORMAT {
        return Err(refused(&format!("its format is {:?}, this service reads {FORMAT}", data.format)));
    }
    let rows: usize = data.tables.iter().map(|t| t.rows.len()).sum();
    if rows > ROW_LIMIT {
        return Err(refused(&format!("it holds {rows} rows, an import takes at most {ROW_LIMIT}")));
    }
    data.tables
        .into_iter()
        .map(|t| {
            let kinds: Vec<Kind> = t.columns.iter().map(|c| kind_of(c)).collect();
            let rows = t
                .rows
                .iter()
                .enumerate()
                .map(|(n, row)| {
                    if row.len() != kinds.len() {
                        return Err(refused(&format!("{} row {} has {} values for {} columns", t.table, n + 1, row.len(), kinds.len())));
                    }
                    kinds
                        .iter()
                        .zip(row)
                        .zip(&t.columns)
                        .map(|((kind, raw), column)| {
                            typed(*kind, raw).ok_or_else(|| refused(&format!("{}.{column} row {}: {raw}", t.table, n + 1)))
                        })
                        .collect()
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(TableRows { table: t.table, columns: t.columns, rows })
        })
        .collect()
}

fn csv_of(table: &TableRows) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&table.columns)?;
    for row in &table.rows {
        out.write_record(row.iter().map(|v| match json_value(v) {
            serde_json::Value::String(s) => crate::wire::spreadsheet_safe(&s).into_owned(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }))?;
    }
    Ok(out.into_inner()?)
}

/// The call letters of every call of the building, as (file name, PDF).
async fn letters(app: &App, actor: &Actor, building: BuildingId) -> ApiResult<Vec<(String, Vec<u8>)>> {
    let mut found = Vec::new();
    for page in 1.. {
        let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: CallSort::DueDate, descending: false };
        let calls = app.calls(actor, &query, Some(building)).await?;
        let last = calls.items.len() < MAX_PER_PAGE as usize;
        for call in calls.items {
            let letters = app.call_letters(actor, call.id).await?;
            let pdf = rendered(koprogo_documents::call_letters(&letters, app.clock.now()))?;
            found.push((format!("letters/{}-{}.pdf", call.details.due_date, call.id), pdf));
        }
        if last {
            break;
        }
    }
    Ok(found)
}

fn archive(data: &DataFile, tables: &[TableRows], pdfs: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("data.json", options)?;
    zip.write_all(&serde_json::to_vec_pretty(data)?)?;
    for table in tables {
        zip.start_file(format!("csv/{}.csv", table.table), options)?;
        zip.write_all(&csv_of(table)?)?;
    }
    for (name, pdf) in pdfs {
        zip.start_file(name, options.compression_method(zip::CompressionMethod::Stored))?;
        zip.write_all(pdf)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The association's whole file (its building, units, owners, expenses,
/// calls, payments, reminders) as a zip, for the syndic it moves to.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/export.zip", tag = "transfer", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 404, body = Problem)))]
async fn export(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Response> {
    association_zip(&app, &auth.actor, id).await
}

/// The zip of the building `id`, for the API and the pages alike.
pub(crate) async fn association_zip(app: &App, actor: &Actor, id: Uuid) -> ApiResult<Response> {
    let building = BuildingId::from_uuid(id);
    let (organization, tables) = app.export_association(actor, building).await?;
    let pdfs = letters(app, actor, building).await?;
    let data = DataFile {
        format: FORMAT.to_owned(),
        exported_at: app.clock.now(),
        organization,
        building_id: id,
        tables: tables
            .iter()
            .map(|t| TableFile {
                table: t.table.clone(),
                columns: t.columns.clone(),
                rows: t.rows.iter().map(|r| r.iter().map(json_value).collect()).collect(),
            })
            .collect(),
    };
    let bytes = archive(&data, &tables, &pdfs).map_err(|e| ApiError::from(koprogo_app::AppError::Internal(e)))?;
    Ok(file(bytes, "application/zip", &format!("association-{id}.zip")))
}

#[derive(Serialize, ToSchema)]
pub struct RenumberedView {
    call_line_id: Uuid,
    before: String,
    after: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportView {
    pub(crate) building_id: Uuid,
    pub(crate) rows: u64,
    /// Call lines whose structured communication was taken here: their letters must be sent again.
    pub(crate) renumbered: Vec<RenumberedView>,
}

/// Imports an association's file (the zip of `GET /buildings/{id}/export.zip`)
/// into the caller's organisation, in one transaction.
#[utoipa::path(post, path = "/api/v1/associations/import", tag = "transfer", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The exported zip, as bytes"),
    responses((status = 201, body = ImportView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn import(State(app): State<App>, auth: Authenticated, RawBody(body): RawBody) -> ApiResult<(StatusCode, Json<ImportView>)> {
    Ok((StatusCode::CREATED, Json(import_zip(&app, &auth.actor, &body).await?)))
}

/// Reads and imports a zip, for the API and the pages alike.
pub(crate) async fn import_zip(app: &App, actor: &Actor, body: &[u8]) -> ApiResult<ImportView> {
    // The policy first: a refused caller learns nothing about the file.
    actor.grant(koprogo_app::access::Action::TransferAssociation)?;
    let tables = read_data(body)?;
    let (building, report) = app.import_association(actor, &tables).await?;
    let renumbered =
        report.renumbered.into_iter().map(|(call_line_id, before, after)| RenumberedView { call_line_id, before, after }).collect();
    Ok(ImportView { building_id: building, rows: report.rows, renumbered })
}
