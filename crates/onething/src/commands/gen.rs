//! `onething gen`: a synthetic city's department data, one CSV per dataset, for trying
//! `onething push`, the demo and the benchmarks (`onething_synth::city`).

use std::process::ExitCode;

use onething_synth::city::{CityParams, write_city};

use crate::cli::GenArgs;
use crate::failure::Failure;

pub fn run(args: GenArgs) -> Result<ExitCode, Failure> {
    if !(0.0..=1.0).contains(&args.bad_rate) {
        return Err(Failure::usage(
            "--bad-rate 应在0到1之间",
            "--bad-rate must be between 0 and 1",
        ));
    }
    let mut params = CityParams::new(args.seed, args.employers, args.people, args.today);
    params.bad_record_rate = args.bad_rate;
    let summary = write_city(&args.out, params).map_err(|e| {
        Failure::environment(&format!("无法写出合成数据到 {}", args.out.display()), e)
    })?;
    print!("{summary}");
    println!(
        "合成数据已写出 / synthetic data written: {} records, {} spoiled on purpose (seed {}, today {})",
        summary.records(),
        summary.corrupted(),
        args.seed,
        args.today
    );
    println!("  所有人员与单位均为合成数据 / every person and employer is synthetic");
    Ok(ExitCode::SUCCESS)
}
