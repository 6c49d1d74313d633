//! `laminate stocks`: prints the stocks `--sheet` knows (presets, pretix's
//! badge sheets, the products of gLabels' database) and the paper sizes,
//! or only the stocks that match some words.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use laminate_passes::impose::stock::catalogue::{Catalogue, Folders};

use super::output::print_bytes;

/// `laminate stocks [WORDS...]`.
#[derive(Args)]
pub struct StocksArgs {
    /// Only the stocks whose name, description, paper, size or source
    /// holds every word (case aside), e.g. `avery badge`.
    #[arg(value_name = "WORDS")]
    pub words: Vec<String>,
    /// A folder of gLabels template files to list too (as render's --stock-db).
    #[arg(long, value_name = "DIR")]
    pub stock_db: Vec<PathBuf>,
}

/// Prints the listing on stdout.
pub fn run(args: StocksArgs) -> ExitCode {
    let catalogue = load(&args.stock_db);
    print_bytes(catalogue.listing(&args.words).as_bytes())
}

/// The stock catalogue with the databases in `stock_db`, then
/// `LAMINATE_STOCKS` and where gLabels installs them; each problem in their
/// files is a warning on stderr (the rest of the file still loads).
pub fn load(stock_db: &[PathBuf]) -> Catalogue {
    let catalogue = Catalogue::load(&Folders::standard(stock_db));
    for p in &catalogue.problems {
        say!("laminate: warning: {p}");
    }
    catalogue
}
