//! Arrow tables in and out: the documents of one column (strings or binary, JSON text) validated
//! row by row on every core, and the results as three columns — `valid` (bool; null when the
//! row could not be read), `error` (string or null) and `findings` (list of struct) — one row
//! per input row, in order. Data crosses through the Arrow C stream interface, never as Python
//! objects.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanBuilder, ListBuilder, StringBuilder, StructBuilder};
use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef};
use arrow::ffi_stream::RecordBatchStreamReader;
use arrow::record_batch::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use qagida::{Options, Pack, ValidationResult};
use rayon::prelude::*;

/// The fields of one finding, in the order of the result's JSON.
const FINDING_FIELDS: [(&str, bool); 7] =
    [("rule_id", false), ("severity", false), ("path", false), ("message", false), ("clause", false), ("actual", true), ("expected", true)];

fn finding_fields() -> Fields {
    FINDING_FIELDS.iter().map(|(name, nullable)| Field::new(*name, DataType::Utf8, *nullable)).collect()
}

/// The list item of the `findings` column: one finding.
fn finding_item() -> Arc<Field> {
    Arc::new(Field::new("item", DataType::Struct(finding_fields()), true))
}

/// A finding's texts in the order of [`FINDING_FIELDS`].
fn finding_texts(f: &qagida::Finding) -> [Option<&str>; 7] {
    [Some(&f.rule_id), Some(f.severity.as_str()), Some(&f.path), Some(&f.message), Some(&f.clause), f.actual.as_deref(), f.expected.as_deref()]
}

/// The schema of the output: `valid`, `error`, `findings`.
pub fn output_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("valid", DataType::Boolean, true),
        Field::new("error", DataType::Utf8, true),
        Field::new("findings", DataType::List(finding_item()), true),
    ]))
}

/// The document text of each row of `column` (`None` for a null row).
fn row_texts(array: &dyn Array) -> Result<Vec<Option<&[u8]>>, String> {
    Ok(match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().iter().map(|s| s.map(str::as_bytes)).collect(),
        DataType::LargeUtf8 => array.as_string::<i64>().iter().map(|s| s.map(str::as_bytes)).collect(),
        DataType::Utf8View => array.as_string_view().iter().map(|s| s.map(str::as_bytes)).collect(),
        DataType::Binary => array.as_binary::<i32>().iter().collect(),
        DataType::LargeBinary => array.as_binary::<i64>().iter().collect(),
        DataType::BinaryView => array.as_binary_view().iter().collect(),
        other => return text_type(other).map(|()| Vec::new()),
    })
}

/// One row's outcome: a result, or why there is none.
type Row = Result<ValidationResult, String>;

fn validate_batch(pack: &Pack, batch: &RecordBatch, column: &str, opts: &Options) -> Result<Vec<RecordBatch>, String> {
    let Some(array) = batch.column_by_name(column) else {
        return Err(missing_column(column, batch.schema_ref().fields().iter().map(|f| f.name().as_str())));
    };
    // Data through `__arrow_c_stream__` arrives unchecked: check the column's buffers, offsets
    // and UTF-8 before reading it (a faulty producer gets an error, not an out-of-bounds read).
    array.to_data().validate_full().map_err(|e| format!("the document column is not valid Arrow data: {e}"))?;
    let texts = row_texts(array.as_ref())?;
    let rows: Vec<Row> = texts
        .par_iter()
        .map(|t| match t {
            Some(bytes) => pack.validate_bytes(bytes, opts).map_err(|e| e.to_string()),
            None => Err("no document: the row is null".to_string()),
        })
        .collect();
    results_batches(&rows)
}

/// Most text bytes one output batch holds in its columns: far below the 2 GiB that a string
/// column's 32-bit offsets can address (one row's result is at most `max_result_bytes`).
const MAX_BATCH_TEXT_BYTES: usize = 1 << 30;

/// The text bytes of one row's output.
fn row_text_bytes(row: &Row) -> usize {
    match row {
        Ok(r) => r.findings.iter().flat_map(finding_texts).map(|t| t.map_or(0, str::len)).sum(),
        Err(e) => e.len(),
    }
}

/// The output batches of `rows`, in order: a new batch whenever one would pass
/// [`MAX_BATCH_TEXT_BYTES`].
fn results_batches(rows: &[Row]) -> Result<Vec<RecordBatch>, String> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, row) in rows.iter().enumerate() {
        let b = row_text_bytes(row);
        if i > start && bytes + b > MAX_BATCH_TEXT_BYTES {
            out.push(results_batch(&rows[start..i])?);
            (start, bytes) = (i, 0);
        }
        bytes += b;
    }
    out.push(results_batch(&rows[start..])?);
    Ok(out)
}

/// The three output columns of `rows`.
fn results_batch(rows: &[Row]) -> Result<RecordBatch, String> {
    let mut valid = BooleanBuilder::with_capacity(rows.len());
    let mut error = StringBuilder::new();
    let struct_builder = StructBuilder::from_fields(finding_fields(), 0);
    let mut findings = ListBuilder::new(struct_builder).with_field(finding_item());
    for row in rows {
        match row {
            Ok(r) => {
                valid.append_value(r.valid);
                error.append_null();
                let items = findings.values();
                for f in &r.findings {
                    for (i, t) in finding_texts(f).into_iter().enumerate() {
                        let Some(b) = items.field_builder::<StringBuilder>(i) else { return Err("internal: a finding field's builder".into()) };
                        b.append_option(t);
                    }
                    items.append(true);
                }
                findings.append(true);
            }
            Err(e) => {
                valid.append_null();
                error.append_value(e);
                findings.append_null();
            }
        }
    }
    let columns: Vec<ArrayRef> = vec![Arc::new(valid.finish()), Arc::new(error.finish()), Arc::new(findings.finish())];
    RecordBatch::try_new(output_schema(), columns).map_err(|e| e.to_string())
}

/// Every batch of `reader` validated, as a stream of result batches (one per input batch).
pub fn validate_stream(pack: &Pack, reader: RecordBatchStreamReader, column: &str, opts: &Options) -> Result<Box<dyn RecordBatchReader + Send>, String> {
    // The column and its type are checked on the schema, so that a table of no batches (no
    // rows) is held to them too.
    let schema = reader.schema();
    match schema.field_with_name(column) {
        Err(_) => return Err(missing_column(column, schema.fields().iter().map(|f| f.name().as_str()))),
        Ok(f) => text_type(f.data_type())?,
    }
    validate_batches(pack, reader, column, opts)
}

fn missing_column<'a>(column: &str, names: impl Iterator<Item = &'a str>) -> String {
    format!("no column `{column}` (the table has {})", names.collect::<Vec<_>>().join(", "))
}

/// Whether a column of this type holds document texts.
fn text_type(t: &DataType) -> Result<(), String> {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Binary | DataType::LargeBinary | DataType::BinaryView => Ok(()),
        other => Err(format!("the document column holds {other}: it must hold strings or binary (JSON text)")),
    }
}

/// Every batch validated, as a stream of result batches (one per input batch).
pub fn validate_batches<E: std::fmt::Display>(
    pack: &Pack,
    batches: impl IntoIterator<Item = Result<RecordBatch, E>>,
    column: &str,
    opts: &Options,
) -> Result<Box<dyn RecordBatchReader + Send>, String> {
    let mut out = Vec::new();
    for batch in batches {
        let batch = batch.map_err(|e| format!("cannot read the table: {e}"))?;
        out.extend(validate_batch(pack, &batch, column, opts)?);
    }
    Ok(Box::new(RecordBatchIterator::new(out.into_iter().map(Ok), output_schema())))
}
