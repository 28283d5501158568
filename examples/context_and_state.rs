//! Placeholder, replaced by the real example.

fn main() {}
