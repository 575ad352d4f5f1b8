//! libFuzzer over [`stafi_router_fuzz::config_toml`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = stafi_router_fuzz::config_toml(data);
});
