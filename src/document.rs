//! Reading a parsed JSON document's fields: the helpers the check language (`expr`) and the
//! engine share, below both.

use serde_json::Value as Json;

/// `v[name]` when `v` is an object (see [`get_field`]).
pub(crate) fn member<'a>(v: &'a Json, name: &str) -> Option<&'a Json> {
    get_field(v.as_object()?, name)
}

/// The `document_type` of a document, if it names one.
pub(crate) fn type_name(v: &Json) -> Option<&str> {
    member(v, "document_type")?.as_str()
}

/// `obj[name]`, by a linear scan for objects of up to 32 keys (documents have about 20):
/// comparing short keys, most rejected by their length, is cheaper than hashing the name with
/// the map's SipHash.
#[inline]
pub(crate) fn get_field<'a>(obj: &'a serde_json::Map<String, Json>, name: &str) -> Option<&'a Json> {
    if obj.len() <= 32 {
        obj.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        obj.get(name)
    }
}
