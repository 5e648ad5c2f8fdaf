#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
use super::*;

#[test]
fn smoke() {
    let e = compile("1 + 2 * 3 == 7", &Scope::new()).unwrap();
    let mut env = Env::new(vec![], 1000);
    assert!(matches!(e.eval(&mut env).unwrap(), Val::Bool(true)));
}
