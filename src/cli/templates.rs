//! `laminate templates`: turns a template set into a listing of its pass
//! types and the fields each uses.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::{fail, print_bytes};

/// `laminate templates`.
#[derive(Args)]
pub struct TemplatesArgs {
    /// A template folder instead of the built-in set.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// Lists the pass types on stdout.
pub fn run(args: TemplatesArgs) -> ExitCode {
    let set = match laminate_passes::load_templates(args.templates.as_deref()) {
        Ok(set) => set,
        Err(f) => return fail(f),
    };
    use std::fmt::Write;
    let mut out = String::new();
    for t in &set.templates {
        let aliases = if t.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also: {})", t.aliases.join(", "))
        };
        let days = if t.days == laminate_passes::load::template::Days::Single {
            "one day"
        } else {
            "a range of days"
        };
        let fields: Vec<&str> = t.fields().iter().map(|f| f.name()).collect();
        let _ = writeln!(out, "{}{aliases}: {}", t.name, t.description);
        let _ = writeln!(out, "  label:  {}", t.label);
        let _ = writeln!(out, "  card:   {}", t.card);
        let _ = writeln!(out, "  zones:  {}", t.zones.join(", "));
        let _ = writeln!(out, "  days:   {days}");
        let _ = writeln!(out, "  fields: {}", fields.join(", "));
    }
    // Through print_bytes: `laminate templates | head` must not panic.
    print_bytes(out.as_bytes())
}
