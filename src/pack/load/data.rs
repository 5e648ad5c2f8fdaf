//! Reference data: a pack's data files, the rows of shared lists, and the editions of
//! reference data over time (the epochs a validation date picks from).

use std::sync::Arc;

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::types::Type;

use super::*;

impl Loader<'_> {
    pub(super) fn load_data(&mut self, name: &str, file: &str) -> Option<(Json, Type)> {
        if !self.files.contains_key(file) {
            return None;
        }
        let df = self.parse(file, raw::DataFile::read)?;
        let mut rows = Vec::with_capacity(df.row.len());
        let mut row_type: Option<(String, Type)> = None;
        for row in &df.row {
            match &row_type {
                None => {
                    let ty = Type::Record(Arc::new(convert::infer_record(row.get_ref(), &format!("data.{name} row"))));
                    row_type = Some((convert::shape(&ty), ty));
                }
                // The same shape as the first row, checked without building this row's type.
                Some((_, first_ty)) if convert::table_has_shape(row.get_ref(), first_ty) => {}
                Some((first, _)) => {
                    let rec = convert::infer_record(row.get_ref(), &format!("data.{name} row"));
                    let shape = convert::shape(&Type::Record(Arc::new(rec)));
                    if *first != shape {
                        let msg = format!("every row of `{name}` must have the same keys and kinds of value as the first ({first}); this one is {shape}");
                        self.err_at(file, row, msg);
                    }
                }
            }
            rows.push(convert::table_to_json(row.get_ref()));
        }
        let elem = row_type.map(|(_, t)| t).unwrap_or(Type::Any);
        Some((Json::Array(rows), Type::List(Box::new(elem))))
    }

    /// The rows of a data file of a shared list, each checked against the list's row type.
    pub(super) fn load_shared_rows(&mut self, name: &str, file: &str, list: &Type) -> Option<Json> {
        let df = self.parse(file, raw::DataFile::read)?;
        let elem = list.element().cloned().unwrap_or(Type::Any);
        let mut rows = Vec::with_capacity(df.row.len());
        for row in &df.row {
            let json = convert::table_to_json(row.get_ref());
            if let Err(e) = convert::check_value(&json, &elem) {
                self.err_at(file, row, format!("a row of `{name}` does not fit its type `{elem}`: {e}"));
            }
            rows.push(json);
        }
        Some(Json::Array(rows))
    }
}

/// One edition of a reference list: its rows, in force over `[from, to)`, from layer `layer`.
pub(super) struct Edition {
    pub(super) name: String,
    pub(super) layer: usize,
    pub(super) from: NaiveDate,
    pub(super) to: Option<NaiveDate>,
    pub(super) rows: Json,
}

/// Builds the data in force over each period: the plain lists always; each edition of a list
/// over its period (an empty list where none is in force); a shared list, the rows of every
/// edition in force, in layer order.
pub(super) fn build_epochs(plain: &IndexMap<String, Json>, shared: &IndexMap<String, Type>, editions: &[Edition]) -> Vec<(NaiveDate, crate::document::Json<'static>)> {
    let mut starts: Vec<NaiveDate> = vec![NaiveDate::MIN];
    for e in editions {
        starts.push(e.from);
        starts.extend(e.to.iter().copied());
    }
    starts.sort_unstable();
    starts.dedup();
    starts
        .into_iter()
        .map(|start| {
            let mut obj: serde_json::Map<String, Json> = plain.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for name in shared.keys() {
                obj.insert(name.clone(), Json::Array(Vec::new()));
            }
            for e in editions {
                let in_force = e.from <= start && e.to.is_none_or(|t| start < t);
                if in_force {
                    match (obj.get_mut(&e.name), &e.rows) {
                        (Some(Json::Array(have)), Json::Array(rows)) if shared.contains_key(&e.name) => have.extend(rows.iter().cloned()),
                        _ => {
                            obj.insert(e.name.clone(), e.rows.clone());
                        }
                    }
                } else if !obj.contains_key(&e.name) {
                    obj.insert(e.name.clone(), Json::Array(Vec::new()));
                }
            }
            // In the document model the engine reads (kept for the pack's life).
            (start, crate::document::Json::owned_from_serde(&Json::Object(obj)))
        })
        .collect()
}
