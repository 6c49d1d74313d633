//! `laminate design`: turns the browser into a pass designer over the real
//! renderer: a small HTTP server on 127.0.0.1 that holds the edited
//! templates, answers each edit with the card as `render` draws it, and
//! saves only what was edited.

pub mod card;
pub mod designer;
pub mod doc;
pub mod http;
pub mod yamledit;
