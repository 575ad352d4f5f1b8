//! libFuzzer over [`stafi_router_fuzz::ssv_api_json`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = stafi_router_fuzz::ssv_api_json(data);
});
