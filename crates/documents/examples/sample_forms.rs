//! Writes a sample 申请表 and 授权确认表 with synthetic data, to look at:
//! `cargo run -p onething-documents --example sample_forms -- /tmp/forms [--long]`.
//! The font is `ONETHING_FONT_PATH` if set, else the first Debian CJK font installed.

use std::path::PathBuf;

use onething_documents::{Fonts, application_form_pdf, authorization_form_pdf};

#[path = "../tests/support/sample.rs"]
mod sample;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| ".".to_owned()));
    let long = args.any(|arg| arg == "--long");
    let configured = std::env::var_os("ONETHING_FONT_PATH").map(PathBuf::from);
    let fonts = Fonts::load(configured.as_deref()).map_err(|error| error.message_zh())?;
    std::fs::create_dir_all(&out)?;
    let mut application = sample::application();
    if long {
        application.explanation = sample::long_explanation(60);
    }
    let started = std::time::Instant::now();
    let application_pdf = application_form_pdf(&application, &fonts)?;
    println!("申请表 rendered in {:?}", started.elapsed());
    let files = [
        ("application-form.pdf", application_pdf),
        (
            "authorization-form.pdf",
            authorization_form_pdf(&sample::authorization(), &fonts)?,
        ),
    ];
    for (name, bytes) in files {
        let path = out.join(name);
        std::fs::write(&path, &bytes)?;
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}
