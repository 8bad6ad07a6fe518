//! The repairs `validate::structure` lists, applied to the document: the one place after
//! normalization where the front end changes what the checks found.

use serde_yaml::{Mapping, Value};

use crate::validate::{Action, Repair};

/// Applies each repair in the order listed: each pointer names a place in the document as the
/// repairs before it left it. A repair whose place is gone (inside an element a later repair
/// leaves out, or already left out) does nothing.
pub(crate) fn apply(document: &mut Value, repairs: Vec<Repair>) {
    for Repair { pointer, action } in repairs {
        match action {
            Action::Remove(key) => {
                if let Some(Value::Mapping(map)) = find(document, &pointer) {
                    map.shift_remove(&key);
                }
            }
            Action::Replace(value) => replace(document, &pointer, value),
        }
    }
}

/// Puts `value` at `pointer`; a map entry that is not there is added at the map's end.
fn replace(document: &mut Value, pointer: &str, value: Value) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        *document = value;
        return;
    };
    let last = unescape(last);
    match find(document, parent) {
        Some(Value::Mapping(map)) => {
            let key = key_of(map, &last).unwrap_or(Value::String(last));
            map.insert(key, value);
        }
        Some(Value::Sequence(items)) => {
            if let Some(slot) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = value;
            }
        }
        _ => {}
    }
}

/// The value at a JSON pointer, for changing.
fn find<'a>(document: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    pointer
        .split('/')
        .skip(1)
        .map(unescape)
        .try_fold(document, |node, token| match node {
            Value::Mapping(map) => {
                let key = key_of(map, &token)?;
                map.get_mut(&key)
            }
            Value::Sequence(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get_mut(index)),
            _ => None,
        })
}

/// The key of `map` a pointer token names: the string itself, else a number or boolean key
/// written that way (the model reads `200:` as `'200'`, and diagnostics point at it so).
fn key_of(map: &Mapping, token: &str) -> Option<Value> {
    let as_text = |key: &Value| match key {
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };
    map.keys()
        .find(|key| key.as_str() == Some(token))
        .or_else(|| {
            map.keys()
                .find(|key| as_text(key).as_deref() == Some(token))
        })
        .cloned()
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
