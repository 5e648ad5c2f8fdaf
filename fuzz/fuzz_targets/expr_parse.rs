//! Arbitrary text compiled as a check-language expression against a small scope; when it
//! compiles, evaluated against a small document under a small step budget. Compile errors
//! must point inside the source on character boundaries; nothing may panic or hang.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use qagida::document::Json as Doc;
use qagida::expr::{Env, Scope, Val, compile};
use qagida::types::{NameMap, RecordType, Type};
use serde_json::{Value as Json, json};

fn record(name: &str, fields: &[(&str, Type)]) -> Type {
    let fields: NameMap<Type> = fields.iter().map(|(n, t)| ((*n).to_string(), t.clone())).collect();
    Type::Record(Arc::new(RecordType { name: name.into(), fields }))
}

struct Fixture {
    scope: Scope,
    docs: Vec<Json>,
    params: Json,
    data: Json,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let quantity = record("quantity", &[("amount", Type::Number), ("unit", Type::String)]);
        let line = record(
            "line",
            &[("inn", Type::String), ("qty", quantity.clone()), ("n", Type::Integer), ("start", Type::Date)],
        );
        let doc = record(
            "doc",
            &[
                ("id", Type::String),
                ("date", Type::Date),
                ("at", Type::DateTime),
                ("dose", quantity),
                ("lines", Type::List(Box::new(line.clone()))),
                ("tags", Type::List(Box::new(Type::String))),
                ("extra", Type::Any),
                ("ok", Type::Bool),
                ("members", Type::List(Box::new(Type::Document))),
            ],
        );
        let mut scope = Scope::new();
        scope.bind("doc", doc);
        scope.bind("params", Type::Any);
        scope.bind("data", Type::Any);
        scope.bind("as_of", Type::Date);
        scope.bind("item", line);
        let good = json!({
            "id": "MDT-1", "date": "2026-03-23", "at": "2026-03-31T20:00:00Z",
            "dose": {"amount": 0.1, "unit": "mg"},
            "lines": [
                {"inn": "Imiglucerase", "qty": {"amount": 10, "unit": "mg"}, "n": 2, "start": "2026-01-31"},
                {"inn": "Nusinersen", "qty": {"amount": "2.5", "unit": "ml"}, "n": 3, "start": "2026-02-01"}
            ],
            "tags": ["a", "b", "a"], "extra": {"foo": {"bar": 7}, "list": [1, 2]}, "ok": true,
            "members": [{"document_type": "doc", "id": "X"}]
        });
        // Every field present with the wrong type.
        let wrong = json!({
            "id": 5, "date": "2026-02-30", "at": [], "dose": "x", "lines": {"a": 1}, "tags": [1, null, {}],
            "extra": null, "ok": "yes", "members": [1, "two", null]
        });
        Fixture {
            scope,
            docs: vec![good, wrong, json!({})],
            params: json!({"max": 24, "routes": ["oral", "intravenous"], "big": "79228162514264337593543950335"}),
            data: json!({"list": [{"code": "A"}, {"code": "B"}]}),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let f = fixture();
    match compile(src, &f.scope) {
        Err(e) => {
            assert!(e.offset <= src.len() && e.offset + e.len <= src.len(), "{src:?}: {e:?}");
            assert!(src.is_char_boundary(e.offset), "{src:?}: {e:?}");
            assert!(src.is_char_boundary(e.offset + e.len), "{src:?}: {e:?}");
        }
        Ok(expr) => {
            let _ = expr.ty().to_string();
            // The engine's document model, seen over the fixture's serde_json values.
            let (params, data) = (Doc::from_serde(&f.params), Doc::from_serde(&f.data));
            for doc in &f.docs {
                let doc = Doc::from_serde(doc);
                let item = doc.get("lines").and_then(|l| l.as_array()?.first()).map_or(Val::Missing, Val::Json);
                let slots = vec![
                    Val::Json(&doc),
                    Val::Json(&params),
                    Val::Json(&data),
                    Val::Date(chrono::NaiveDate::from_ymd_opt(2026, 4, 2).unwrap_or_default()),
                    item,
                ];
                let mut env = Env::new(slots, 10_000);
                if let Ok(v) = expr.eval(&mut env) {
                    let _ = v.to_string();
                }
            }
        }
    }
});
