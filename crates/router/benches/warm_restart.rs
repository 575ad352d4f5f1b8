//! Placeholder while the warm-restart benchmark is written.
fn main() {}
