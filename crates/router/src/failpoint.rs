//! Crash-test failpoints, in debug builds only (compiled out of release builds).
//!
//! With `STAFI_ROUTER_FAILPOINT=<stage>` and `STAFI_ROUTER_FAILPOINT_DIR=<dir>` set, the first
//! time a write of each kind reaches `<stage>` the process records `<dir>/<stage>.<kind>`,
//! prints `FAILPOINT <stage> <kind> reached` to stderr and stops there for good, so that a test
//! can SIGKILL it at exactly that point; a kind already recorded passes. Stages of a
//! transaction: `before_send` (intent signed and stored, not broadcast), `after_send`
//! (broadcast, no receipt read), `after_receipt` (receipt read, store not updated). Of a
//! voluntary exit POST: `before_send`, `after_send` (accepted, not recorded).

/// Stops here for good when the test asks for this stage and this kind was not stopped yet.
#[cfg(debug_assertions)]
pub fn hit(stage: &str, kind: &str) {
    let (Ok(want), Ok(dir)) = (
        std::env::var("STAFI_ROUTER_FAILPOINT"),
        std::env::var("STAFI_ROUTER_FAILPOINT_DIR"),
    ) else {
        return;
    };
    if want != stage {
        return;
    }
    let marker = std::path::Path::new(&dir).join(format!("{stage}.{kind}"));
    if marker.exists() || std::fs::write(&marker, b"").is_err() {
        return;
    }
    eprintln!("FAILPOINT {stage} {kind} reached");
    loop {
        std::thread::park();
    }
}

/// Release builds: nothing.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn hit(_stage: &str, _kind: &str) {}
