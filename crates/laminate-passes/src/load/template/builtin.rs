//! The built-in template set: the repository's templates/ folder, embedded
//! in the library at build time (see build.rs).

include!(concat!(env!("OUT_DIR"), "/builtin_templates.rs"));
