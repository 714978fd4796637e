//! Links the `coach` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable (PIE, rustc's default) is relocated by
//! the dynamic loader at every start: ~63,000 relative relocations that write
//! to 413 pages of `.data.rel.ro` (pointers to string constants, panic
//! locations, vtables). Each written page is a copy-on-write page fault, and
//! together they were 57% of the page faults of `coach config list` and most
//! of the start-up time of every command (examples/bench/RESULTS.md). Linked
//! without PIE, those pointers are resolved once, by the linker.
//!
//! The cost is address-space randomisation of the executable's own image;
//! shared libraries, the heap, the stack and mappings stay randomised. Only
//! the binaries get the flag: the library, tests and examples link as before.
fn main() {
    println!("cargo:rerun-if-changed=src/build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
