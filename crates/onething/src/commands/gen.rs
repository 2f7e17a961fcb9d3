//! `onething gen`: synthetic department data, one CSV per dataset, for trying `onething
//! push`, the demo and the benchmarks: a city (`onething_synth::city`) or a province of
//! several counties with maternity-allowance rule cases (`onething_synth::province`).

use std::process::ExitCode;

use onething_synth::city::{CityParams, Summary, write_city};
use onething_synth::province::{ProvinceParams, write_province};

use crate::cli::{GenArgs, Scale};
use crate::failure::Failure;

const CITY_EMPLOYERS: usize = 20;
const CITY_PEOPLE: usize = 200;

pub fn run(args: GenArgs) -> Result<ExitCode, Failure> {
    if let Some(rate) = args.bad_rate {
        check_rate("--bad-rate", rate)?;
    }
    if let Some(rate) = args.duplicate_rate {
        check_rate("--duplicate-rate", rate)?;
    }
    let written = match args.scale {
        Scale::City => city(&args),
        Scale::Province => province(&args),
    };
    let summary = written.map_err(|e| {
        Failure::environment(&format!("无法写出合成数据到 {}", args.out.display()), e)
    })?;
    print!("{summary}");
    println!(
        "合成数据已写出 / synthetic data written: {} records, {} spoiled on purpose, {} repeated (seed {}, today {})",
        summary.records(),
        summary.corrupted(),
        summary.duplicated(),
        args.seed,
        args.today
    );
    println!("  所有人员与单位均为合成数据 / every person and employer is synthetic");
    Ok(ExitCode::SUCCESS)
}

fn check_rate(flag: &str, rate: f64) -> Result<(), Failure> {
    if (0.0..=1.0).contains(&rate) {
        return Ok(());
    }
    Err(Failure::usage(
        format!("{flag} 应在0到1之间"),
        format!("{flag} must be between 0 and 1"),
    ))
}

fn city(args: &GenArgs) -> std::io::Result<Summary> {
    let employers = args.employers.unwrap_or(CITY_EMPLOYERS);
    let people = args.people.unwrap_or(CITY_PEOPLE);
    let mut params = CityParams::new(args.seed, employers, people, args.today);
    params.bad_record_rate = args.bad_rate.unwrap_or(0.0);
    params.duplicate_rate = args.duplicate_rate.unwrap_or(0.0);
    write_city(&args.out, params)
}

fn province(args: &GenArgs) -> std::io::Result<Summary> {
    let mut params = ProvinceParams::new(args.seed, args.today);
    params.people = args.people.unwrap_or(params.people);
    params.employers = args.employers;
    params.cases = args.cases;
    params.contribution_months = args.months;
    params.bad_record_rate = args.bad_rate.unwrap_or(params.bad_record_rate);
    params.duplicate_rate = args.duplicate_rate.unwrap_or(params.duplicate_rate);
    let summary = write_province(&args.out, &params)?;
    println!(
        "{:<24} {:>9} cases  {}",
        "maternity-allowance",
        summary.cases,
        summary.cases_path.display()
    );
    Ok(summary.datasets)
}
