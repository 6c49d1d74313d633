//! `laminate validate`: turns a roster into every message `render` would
//! give, and writes nothing.

use std::process::ExitCode;

use clap::Args;

use super::output::{fail, left_out, plural, plural_pass, print_warnings, status};
use super::render::{options, RunArgs};

/// `laminate validate`.
#[derive(Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// How to report: text for people, json for tools (on stdout).
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

/// How `validate` reports.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    /// Messages for people, on stderr.
    Text,
    /// One JSON object on stdout: ok, passes, errors, warnings, diagnostics.
    Json,
}

/// Runs every check and reports, as text on stderr or as JSON on stdout.
pub fn run(args: ValidateArgs) -> ExitCode {
    let result = laminate_passes::render(&options(&args.run), None);
    if let ReportFormat::Json = args.format {
        let code = match &result {
            Ok(_) => ExitCode::SUCCESS,
            Err(f) => status(f),
        };
        let report = laminate_passes::json::report(result);
        show!("{}", serde_json::to_string_pretty(&report).expect("JSON of plain data"));
        return code;
    }
    match result {
        Ok(report) => {
            // Notes (how something unusual was read) are shown, not counted.
            let warning = laminate_passes::diag::Severity::Warning;
            let n = report.warnings.iter().filter(|d| d.severity == warning).count();
            print_warnings(&report.sources, report.warnings, None);
            let warned = if n > 0 { format!(", {}", plural(n, "warning")) } else { String::new() };
            if !report.unused.is_empty() {
                say!("laminate: not used: {}", report.unused.join(", "));
            }
            say!(
                "laminate: {}{} ok{warned}",
                plural_pass(report.passes),
                left_out(&report.skipped)
            );
            ExitCode::SUCCESS
        }
        Err(f) => fail(f),
    }
}
