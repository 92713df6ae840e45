//! Times loading a numeric CSV the way training does: `Table::read_path`,
//! then `Table::numeric_matrix` of every column. Prints one JSON line: rows,
//! columns, seconds of each part, and the process's peak resident memory
//! (Linux: `VmHWM` of `/proc/self/status`; `null` elsewhere) next to the
//! size of the data as f32. `bench/csv_vs_pandas.sh` runs it against
//! `pandas.read_csv` (`bench/README.md`).
//!
//! ```text
//! cargo run --release -p gradlab --example csv_load -- FILE.csv
//! ```

use gradlab::data::csv::{CsvOptions, Table};
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: csv_load FILE.csv");
        std::process::exit(2);
    };
    let started = Instant::now();
    let table = match Table::read_path(path.as_ref(), &CsvOptions::default()) {
        Ok(table) => table,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    };
    let read = started.elapsed().as_secs_f64();
    let read_peak = peak_resident_bytes();
    let names: Vec<String> = table.column_names().iter().map(|n| n.to_string()).collect();
    let matrix = match table.numeric_matrix(&names) {
        Ok(matrix) => matrix,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    };
    let total = started.elapsed().as_secs_f64();
    let f32_bytes = matrix.rows() * matrix.cols() * 4;
    println!(
        "{{\"rows\": {}, \"columns\": {}, \"read_seconds\": {read:.4}, \"matrix_seconds\": {:.4}, \
         \"total_seconds\": {total:.4}, \"read_peak_rss_bytes\": {}, \"peak_rss_bytes\": {}, \
         \"f32_bytes\": {f32_bytes}}}",
        matrix.rows(),
        matrix.cols(),
        total - read,
        json_bytes(read_peak),
        json_bytes(peak_resident_bytes()),
    );
}

/// `bytes` as JSON: a number, or `null` when unknown.
fn json_bytes(bytes: Option<u64>) -> String {
    bytes.map_or("null".to_owned(), |b| b.to_string())
}

/// The process's peak resident set size so far (Linux only).
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
