//! libFuzzer over [`stafi_router_fuzz::ssvnetwork_logs`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = stafi_router_fuzz::ssvnetwork_logs(data);
});
