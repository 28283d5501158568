//! Handlers in nested modules, inside function bodies, `const fn`s, and names that differ only
//! in `_` and `$` (distinct names, so the compile-time duplicate check must tell them apart).

use tcmpp_core::{mini_api, Registry};

mod outer {
    pub(crate) mod inner {
        use tcmpp_core::mini_api;

        #[mini_api("nested")]
        pub(crate) async fn nested() {}
    }
}

#[mini_api("constFn")]
const fn const_fn() {}

#[mini_api("get_user")]
fn get_user() {}

#[mini_api("get$user")]
fn get_dollar_user() {}

#[mini_api("get_Suser")]
fn get_s_user() {}

#[mini_api("get__user")]
fn get_double_user() {}

#[mini_api("$")]
fn dollar() {}

fn main() {
    #[mini_api("inBody")]
    fn in_body() {}

    let registry = Registry::builder().build().unwrap();
    let names: Vec<&str> = registry.apis().map(|api| api.name).collect();
    assert_eq!(
        names,
        ["$", "constFn", "get$user", "get_Suser", "get__user", "get_user", "inBody", "nested"]
    );
    let nested = registry.get("nested").unwrap();
    assert!(nested.rust_path.ends_with("outer::inner::nested"), "{}", nested.rust_path);
}
