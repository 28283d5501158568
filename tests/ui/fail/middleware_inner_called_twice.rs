use tcmpp_core::middleware::{ApiRequest, ApiService, Next, NextFuture};

/// Tries to run the handler twice for one call: the request is moved into the first call, so a
/// layer cannot answer a call twice through its handler.
struct Twice(Next);

impl ApiService for Twice {
    type Future = NextFuture;

    fn call(&self, request: ApiRequest<'_>) -> NextFuture {
        drop(self.0.call(request));
        self.0.call(request)
    }
}

fn main() {}
