use tower_layer::Layer;
use tcmpp_core::middleware::Next;
use tcmpp_core::Registry;

/// A layer whose service does not implement `ApiService`.
struct Audit;

struct Audited(Next);

impl Layer<Next> for Audit {
    type Service = Audited;

    fn layer(&self, inner: Next) -> Audited {
        Audited(inner)
    }
}

fn main() {
    let _ = Registry::builder().layer(Audit).build();
}
