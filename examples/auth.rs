//! An auth check that reads the app's state: `cargo run --example auth`.
//!
//! Some APIs need a user signed in to the super app. A layer of the registry reads the session
//! from the registry's shared state, refuses the call when nobody is signed in, and otherwise
//! hands the user to the handler, which takes it as an `Extension<User>` parameter. Which APIs
//! need a user is decided per API from its `ApiInfo`, so handlers stay free of the check.

use std::sync::RwLock;

use tcmpp_core::middleware::{ApiRequest, ApiResponse, ApiService, Next, NextFuture};
use tcmpp_core::{ApiError, Extension, Registry, mini_api};
use tower_layer::Layer;

/// The signed-in user, as the super app knows it.
#[derive(Clone, Debug)]
struct User {
    id: u64,
    name: String,
}

/// The super app's session: who is signed in, if anyone. Shared state of the registry.
#[derive(Default)]
struct Session {
    user: RwLock<Option<User>>,
}

#[mini_api("getProfile")]
fn get_profile(Extension(user): Extension<User>) -> serde_json::Value {
    serde_json::json!({ "id": user.id, "name": user.name })
}

#[mini_api("getWeather")]
fn get_weather() -> serde_json::Value {
    serde_json::json!({ "sky": "clear" })
}

/// Requires a signed-in user for the APIs named.
struct RequireUser {
    apis: &'static [&'static str],
}

impl Layer<Next> for RequireUser {
    type Service = UserRequired;

    fn layer(&self, inner: Next) -> UserRequired {
        UserRequired {
            apis: self.apis,
            inner,
        }
    }
}

struct UserRequired {
    apis: &'static [&'static str],
    inner: Next,
}

impl ApiService for UserRequired {
    type Future = NextFuture;

    fn call(&self, mut request: ApiRequest<'_>) -> NextFuture {
        if !self.apis.contains(&request.api().name) {
            return self.inner.call(request);
        }
        let user = request
            .context()
            .state::<Session>()
            .and_then(|session| session.user.read().ok()?.clone());
        match user {
            Some(user) => {
                request.insert_extension(user);
                self.inner.call(request)
            }
            None => {
                let error = ApiError::new("sign in to the app first").with_code(401);
                NextFuture::answer(ApiResponse::from(error))
            }
        }
    }
}

fn main() -> Result<(), tcmpp_core::BuildError> {
    let session = std::sync::Arc::new(Session::default());
    let registry = Registry::builder()
        .shared_state(session.clone())
        .layer(RequireUser {
            apis: &["getProfile"],
        })
        .build()?;
    let profile = r#"{"api_name":"getProfile"}"#;
    let weather = r#"{"api_name":"getWeather"}"#;

    let signed_out = registry.dispatch_json(profile).now_or_fail();
    println!("signed out: {signed_out}");
    assert_eq!(
        signed_out,
        r#"{"errCode":401,"errMsg":"getProfile:fail sign in to the app first"}"#
    );
    let open = registry.dispatch_json(weather).now_or_fail();
    println!("signed out: {open}");
    assert_eq!(open, r#"{"sky":"clear","errMsg":"getWeather:ok"}"#);

    *session.user.write().expect("not poisoned") = Some(User {
        id: 7,
        name: "Kka".to_owned(),
    });
    let signed_in = registry.dispatch_json(profile).now_or_fail();
    println!("signed in:  {signed_in}");
    assert_eq!(
        signed_in,
        r#"{"id":7,"name":"Kka","errMsg":"getProfile:ok"}"#
    );
    Ok(())
}
