//! `scry cvss [--json] [VECTOR...]`: score CVSS v2, v3.0, v3.1 and v4.0 vectors.

use std::io::Read;
use std::process::ExitCode;

use clap::Args;

#[derive(Debug, Args)]
pub(crate) struct CvssArgs {
    /// Print one JSON array, an object per vector in input order.
    #[arg(long)]
    json: bool,
    /// Vectors to score; with none, one vector per line is read from standard input.
    vectors: Vec<String>,
}

pub(crate) fn run(args: &CvssArgs) -> anyhow::Result<ExitCode> {
    let input = if args.vectors.is_empty() {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        args.vectors.join("\n")
    };
    let report = scry_cvss::report(&input);
    if args.json {
        crate::outln!("{}", report.to_json())?;
    } else {
        crate::out!("{}", report.to_text())?;
    }
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
