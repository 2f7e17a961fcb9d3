//! One CSV file per dataset, written as records are generated (so a city of any size is
//! written in constant memory), with optional corruption of some records for tests of
//! per-record errors.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{CityParams, Dataset, DatasetSummary};

/// How a record can be spoiled so that the server must reject it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Corruption {
    /// Change the check character of a citizen id or credit code.
    Checksum,
    /// Replace an enumerated value by one the contract does not list.
    Enum,
}

/// The CSV files of a city being written.
pub(crate) struct Sink {
    files: Vec<Output>,
    bad_rate: f64,
    /// A stream of its own, so that the good data are the same whatever the bad rate.
    bad_rng: ChaCha8Rng,
    duplicate_rate: f64,
    /// Likewise for repeated records.
    duplicate_rng: ChaCha8Rng,
}

struct Output {
    dataset: Dataset,
    path: PathBuf,
    writer: BufWriter<File>,
    records: u64,
    corrupted: u64,
    duplicated: u64,
}

impl Sink {
    pub(crate) fn create(dir: &Path, params: &CityParams) -> io::Result<Self> {
        let seed = params.seed;
        std::fs::create_dir_all(dir)?;
        let mut files = Vec::with_capacity(Dataset::ALL.len());
        for dataset in Dataset::ALL {
            let path = dir.join(dataset.file_name());
            let mut writer = BufWriter::with_capacity(1 << 16, File::create(&path)?);
            write_row(&mut writer, dataset.fields().iter().copied())?;
            files.push(Output {
                dataset,
                path,
                writer,
                records: 0,
                corrupted: 0,
                duplicated: 0,
            });
        }
        Ok(Sink {
            files,
            bad_rate: params.bad_record_rate.clamp(0.0, 1.0),
            bad_rng: ChaCha8Rng::seed_from_u64(seed ^ 0x0BAD_0BAD_0BAD_0BAD),
            duplicate_rate: params.duplicate_rate.clamp(0.0, 1.0),
            duplicate_rng: ChaCha8Rng::seed_from_u64(seed ^ 0x0D0B_0D0B_0D0B_0D0B),
        })
    }

    /// Writes one record; `cells` are in the order of [`Dataset::fields`], empty = absent.
    pub(crate) fn emit(&mut self, dataset: Dataset, mut cells: Vec<String>) -> io::Result<()> {
        let corrupt = self.bad_rate > 0.0 && self.bad_rng.random_bool(self.bad_rate);
        if corrupt {
            self.spoil(dataset, &mut cells);
        }
        let repeat =
            self.duplicate_rate > 0.0 && self.duplicate_rng.random_bool(self.duplicate_rate);
        let output = &mut self.files[dataset as usize];
        write_row(&mut output.writer, cells.iter().map(String::as_str))?;
        output.records += 1;
        output.corrupted += u64::from(corrupt);
        if repeat {
            write_row(&mut output.writer, cells.iter().map(String::as_str))?;
            output.records += 1;
            output.duplicated += 1;
        }
        Ok(())
    }

    fn spoil(&mut self, dataset: Dataset, cells: &mut [String]) {
        let targets = dataset.corruptible();
        let Some(&(column, how)) = targets.get(self.bad_rng.random_range(0..targets.len())) else {
            return;
        };
        let cell = &mut cells[column];
        match how {
            Corruption::Checksum => *cell = wrong_check_character(cell),
            Corruption::Enum => *cell = "unknown_value".to_owned(),
        }
    }

    pub(crate) fn finish(self) -> io::Result<Vec<DatasetSummary>> {
        let mut summaries = Vec::with_capacity(self.files.len());
        for mut output in self.files {
            output.writer.flush()?;
            summaries.push(DatasetSummary {
                dataset: output.dataset,
                path: output.path,
                records: output.records,
                corrupted: output.corrupted,
                duplicated: output.duplicated,
            });
        }
        Ok(summaries)
    }
}

/// The same id with another final character, so only the checksum is wrong.
fn wrong_check_character(id: &str) -> String {
    let mut chars: Vec<char> = id.chars().collect();
    if let Some(last) = chars.last_mut() {
        *last = match *last {
            '0' => '1',
            '9' | 'X' => '0',
            c if c.is_ascii_digit() => char::from(c as u8 + 1),
            _ => '0',
        };
    }
    chars.into_iter().collect()
}

fn write_row<'a>(out: &mut impl Write, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_cell(out, cell)?;
    }
    out.write_all(b"\n")
}

/// RFC 4180 quoting, only where needed (addresses and names never need it today).
fn write_cell(out: &mut impl Write, cell: &str) -> io::Result<()> {
    if cell.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", cell.replace('"', "\"\""))
    } else {
        out.write_all(cell.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_corruption_changes_only_the_last_character() {
        assert_eq!(
            wrong_check_character("11010519491231002X"),
            "110105194912310020"
        );
        assert_eq!(
            wrong_check_character("91110000600037341L"),
            "911100006000373410"
        );
        assert_eq!(wrong_check_character("5"), "6");
    }

    #[test]
    fn cells_are_quoted_only_when_needed() {
        let mut out = Vec::new();
        write_row(&mut out, ["a", "b,c", "say \"hi\""].into_iter()).expect("write");
        assert_eq!(out, b"a,\"b,c\",\"say \"\"hi\"\"\"\n");
    }
}
