//! Workspace-level end-to-end tests live beside this file, one `[[test]]` each; the library is
//! empty on purpose. Each test composes the crates the way `stafi-router` does.
