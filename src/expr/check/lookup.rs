//! Type checking of lookups: `find` / `find_all` (a literal key path resolved through record
//! types) and `as_type`.


use crate::expr::parser::{Syn, SynKind};
use crate::expr::{ExprError, Scope};
use crate::types::Type;
use super::*;

impl Checker {
    // `find` and `as_type` keep lean frames on the recursion path too: the children are
    // checked here, the typing is done by `#[inline(never)]` functions.

    pub(super) fn find(
        &mut self,
        s: &Syn<'_>,
        name: &str,
        args: &[Syn<'_>],
        all: bool,
    ) -> Result<Node, ExprError> {
        let [list, key, value] = args else {
            return Err(arity(s, name, args.len(), "list, 'key', value"));
        };
        let l = self.node(list)?;
        let (path, key_ty) = find_key(name, &l, list, key)?;
        let v = self.node(value)?;
        let shared = from_static(&l, &self.scope);
        typed_find(name, l, path, key_ty, v, key, value, all, shared)
    }

    /// `find_by_name(list, 'key', name)`: the key field holds a name or a list of names.
    pub(super) fn find_by_name(&mut self, s: &Syn<'_>, name: &str, args: &[Syn<'_>], all: bool) -> Result<Node, ExprError> {
        let [list, key, value] = args else {
            return Err(arity(s, name, args.len(), "list, 'key', name"));
        };
        let l = self.node(list)?;
        let (path, key_ty) = find_key_of_names(name, &l, list, key)?;
        let v = self.node(value)?;
        if !matches!(v.ty, Type::String | Type::Any) {
            return Err(err(value, format!("`{name}` looks up a name (a string); this is `{}`", v.ty)));
        }
        let index_key = format!("{}\u{0}names", path.join("."));
        let shared = from_static(&l, &self.scope);
        find_node(Find { list: l, path: path.into_boxed_slice(), index_key: index_key.into(), key_ty, value: v, elem: Type::Any, all, by_name: true, shared }, key)
    }

    pub(super) fn as_type(&mut self, s: &Syn<'_>, args: &[Syn<'_>]) -> Result<Node, ExprError> {
        let [x, t] = args else {
            return Err(arity(s, "as_type", args.len(), "x, 'document type'"));
        };
        let e = self.node(x)?;
        typed_as_type(&self.scope, e, x, t)
    }
}

#[inline(never)]
pub(super) fn arity(s: &Syn<'_>, name: &str, got: usize, params: &str) -> ExprError {
    let n = params.split(',').count();
    err(
        s,
        format!("`{name}` takes {n} arguments, got {got}: {name}({params})"),
    )
}

/// The key of `find_by_name(list, 'a.b', …)`: a field holding a string or a list of strings.
#[inline(never)]
fn find_key_of_names(name: &str, l: &Node, list: &Syn<'_>, key: &Syn<'_>) -> Result<(Vec<Box<str>>, Type), ExprError> {
    let SynKind::Str(k) = &key.kind else {
        return Err(err(key, format!("the key of `{name}` must be a field name in quotes, e.g. `{name}(data.units, 'spellings', x)`")));
    };
    let path: Vec<&str> = k.split('.').collect();
    let elem = match l.ty.element() {
        Some(e @ (Type::Record(_) | Type::Document | Type::Any)) => e,
        _ => return Err(err(list, format!("the first argument of `{name}` must be a list of records, found `{}`", l.ty))),
    };
    let mut cur = elem.clone();
    for p in &path {
        cur = match &cur {
            Type::Record(r) => r.field(p).cloned().ok_or_else(|| err(key, format!("unknown field `{p}` on `{}`", r.name)))?,
            _ => Type::Any,
        };
    }
    match &cur {
        Type::String | Type::Any => {}
        Type::List(e) if matches!(**e, Type::String | Type::Any) => {}
        other => return Err(err(key, format!("`{name}` needs a field holding a name or a list of names; `{k}` is `{other}`"))),
    }
    Ok((path.into_iter().map(Box::from).collect(), cur))
}

/// The key of `find(list, 'a.b', …)`: its field names and the type the field decodes as.
#[inline(never)]
fn find_key(
    name: &str,
    l: &Node,
    list: &Syn<'_>,
    key: &Syn<'_>,
) -> Result<(Vec<Box<str>>, Type), ExprError> {
    let elem = match l.ty.element() {
        Some(e @ (Type::Record(_) | Type::Document | Type::Any)) => e,
        Some(other) => {
            return Err(err(
                list,
                format!(
                    "`{name}` looks up records or documents by a field; this is a list of `{other}` (use `in`)"
                ),
            ));
        }
        None => {
            return Err(err(
                list,
                format!(
                    "the first argument of `{name}` must be a list, found `{}`",
                    l.ty
                ),
            ));
        }
    };
    let SynKind::Str(k) = &key.kind else {
        return Err(err(
            key,
            format!(
                "the key of `{name}` must be a field name in quotes, e.g. `{name}(data.drugs, 'id', item.drug_id)`"
            ),
        ));
    };
    let path: Vec<&str> = k.split('.').collect();
    if path
        .iter()
        .any(|p| p.is_empty() || p.len() > 128 || p.chars().any(char::is_whitespace))
        || path.len() > 16
    {
        return Err(err(
            key,
            format!("`{k}` is not a field name or dotted path such as 'patient.iin'"),
        ));
    }
    let key_ty = key_type(elem, &path).map_err(|m| err(key, m))?;
    Ok((path.into_iter().map(Box::from).collect(), key_ty))
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn typed_find(
    name: &str,
    l: Node,
    path: Vec<Box<str>>,
    key_ty: Type,
    v: Node,
    key: &Syn<'_>,
    value: &Syn<'_>,
    all: bool,
    shared: bool,
) -> Result<Node, ExprError> {
    let k = path.join(".");
    if matches!(v.ty, Type::Null) || !comparable(&key_ty, &v.ty, false) {
        return Err(err(
            value,
            format!(
                "`{name}` compares the field `{k}` (`{key_ty}`) with the value; cannot compare it with `{}`",
                v.ty
            ),
        ));
    }
    let index_key = format!("{k}\u{0}{key_ty}");
    find_node(Find { list: l, path: path.into_boxed_slice(), index_key: index_key.into(), key_ty, value: v, elem: Type::Any, all, by_name: false, shared }, key)
}

/// The node of a lookup: its element type from the list's, its type the element (`find`) or a
/// list of them (`find_all`).
fn find_node(mut f: Find, key: &Syn<'_>) -> Result<Node, ExprError> {
    let Some(elem) = f.list.ty.element().cloned() else {
        return Err(err(key, "invalid list"));
    };
    let ty = if f.all { Type::List(Box::new(elem.clone())) } else { elem.clone() };
    f.elem = elem;
    Ok(node(Kind::Find(Box::new(f)), ty))
}

#[inline(never)]
fn typed_as_type(scope: &Scope, e: Node, x: &Syn<'_>, t: &Syn<'_>) -> Result<Node, ExprError> {
    let SynKind::Str(name) = &t.kind else {
        return Err(err(
            t,
            "the second argument of `as_type` must be a document type name in quotes, e.g. `as_type(item, 'prescription')`",
        ));
    };
    let Some(rec) = scope.documents().and_then(|d| d.get(name.as_str())).cloned() else {
        let known: Vec<&str> = scope
            .documents()
            .map(|d| d.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let hint = did_you_mean(suggest(name, known.iter().copied()));
        let list = if known.is_empty() {
            String::from("no document types are known here")
        } else {
            format!("known: {}", known.join(", "))
        };
        return Err(err(
            t,
            format!("unknown document type `{name}`{hint} ({list})"),
        ));
    };
    match &e.ty {
        Type::Document | Type::Any => {}
        Type::Record(r) if r.name == rec.name => {}
        other => {
            return Err(err(
                x,
                format!("`as_type` narrows a `document` (e.g. a bundle member); this is `{other}`"),
            ));
        }
    }
    Ok(node(
        Kind::AsType {
            expr: Box::new(e),
            name: name.as_str().into(),
        },
        Type::Record(rec),
    ))
}

/// The type of the field at `path` inside an element of type `elem`, for `find`: a scalar
/// (or `any` once the path reaches a `document` or `any`).
fn key_type(elem: &Type, path: &[&str]) -> Result<Type, String> {
    let mut cur = elem.clone();
    for p in path {
        cur = match &cur {
            Type::Record(r) => match r.field(p) {
                Some(t) => t.clone(),
                None => {
                    let hint = did_you_mean(suggest(p, r.fields.keys().map(String::as_str)));
                    return Err(format!("unknown field `{p}` on `{}`{hint}", r.name));
                }
            },
            Type::Any | Type::Document => return Ok(Type::Any),
            other => {
                return Err(format!(
                    "cannot access field `{p}` on a value of type `{other}`"
                ));
            }
        };
    }
    match cur {
        t @ (Type::Bool
        | Type::Number
        | Type::Integer
        | Type::String
        | Type::Date
        | Type::DateTime
        | Type::Duration
        | Type::Any) => Ok(t),
        other => Err(format!(
            "the key must name a number, string, date, datetime, duration or bool field; `{}` is `{other}`",
            path.join(".")
        )),
    }
}
