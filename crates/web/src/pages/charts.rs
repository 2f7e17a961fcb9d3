//! Server-rendered SVG charts for the supervisor's dashboard (no JavaScript): a bar of a
//! measure against its target line, and a trend line over the trailing periods with the
//! target as a dashed line. Only numbers and fixed strings go into the markup.

use std::fmt::Write;

const W: f64 = 240.0;
const H: f64 = 28.0;

/// The scale's top: shares run 0–1; other measures up to twice the target or the largest
/// value, whichever is larger.
fn top(values: &[Option<f64>], target: f64, share: bool) -> f64 {
    if share {
        return 1.0;
    }
    values
        .iter()
        .flatten()
        .fold(target * 2.0, |a, v| a.max(*v))
        .max(f64::EPSILON)
}

fn x(value: f64, top: f64) -> f64 {
    (value.clamp(0.0, top) / top) * W
}

/// A horizontal bar of `actual` with a vertical mark at `target`; green when met.
pub(crate) fn bar(
    actual: Option<f64>,
    target: f64,
    share: bool,
    met: Option<bool>,
    label: &str,
) -> String {
    let top = top(&[actual], target, share);
    let colour = match met {
        Some(true) => "#1a7f37",
        Some(false) => "#c62828",
        None => "#9e9e9e",
    };
    let mut svg = format!(
        r##"<svg class="chart bar" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{label}"><rect x="0" y="6" width="{W}" height="16" fill="#eeeeee"/>"##
    );
    if let Some(a) = actual {
        let _ = write!(
            svg,
            r#"<rect x="0" y="6" width="{:.1}" height="16" fill="{colour}"/>"#,
            x(a, top)
        );
    }
    let t = x(target, top);
    let _ = write!(
        svg,
        r##"<line x1="{t:.1}" y1="0" x2="{t:.1}" y2="{H}" stroke="#000" stroke-width="2"/></svg>"##
    );
    svg
}

/// A trend line over `values` (oldest first; gaps where a period had nothing to measure)
/// with the target dashed.
pub(crate) fn trend(values: &[Option<f64>], target: f64, share: bool, label: &str) -> String {
    let (w, h) = (W, 60.0);
    let top = top(values, target, share);
    let y = |v: f64| h - 4.0 - (v.clamp(0.0, top) / top) * (h - 8.0);
    let step = if values.len() > 1 {
        w / (values.len() - 1) as f64
    } else {
        0.0
    };
    let mut svg = format!(
        r##"<svg class="chart trend" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}"><rect x="0" y="0" width="{w}" height="{h}" fill="#fafafa"/>"##
    );
    let ty = y(target);
    let _ = write!(
        svg,
        r##"<line x1="0" y1="{ty:.1}" x2="{w}" y2="{ty:.1}" stroke="#000" stroke-dasharray="4 3"/>"##
    );
    let mut path = String::new();
    for (i, v) in values.iter().enumerate() {
        let px = step * i as f64;
        match v {
            Some(v) => {
                let cmd = if path.is_empty() || path.ends_with(' ') {
                    'M'
                } else {
                    'L'
                };
                let _ = write!(path, "{cmd}{px:.1},{:.1}", y(*v));
                let _ = write!(
                    svg,
                    r##"<circle cx="{px:.1}" cy="{:.1}" r="3" fill="#1565c0"/>"##,
                    y(*v)
                );
            }
            None => path.push(' '),
        }
    }
    if !path.trim().is_empty() {
        let _ = write!(
            svg,
            r##"<path d="{}" fill="none" stroke="#1565c0" stroke-width="2"/>"##,
            path.trim()
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_target_and_colour_by_result() {
        let svg = bar(Some(0.5), 0.8, true, Some(false), "x");
        assert!(svg.contains(r#"width="120.0""#), "{svg}");
        assert!(svg.contains("#c62828"));
        assert!(svg.contains(r#"x1="192.0""#));
        let none = bar(None, 0.3, false, None, "x");
        assert!(!none.contains("#9e9e9e\""), "no bar without a value");
    }

    #[test]
    fn trends_skip_empty_periods() {
        let svg = trend(&[Some(0.0), None, Some(1.0)], 0.5, true, "x");
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("M0.0,56.0"), "{svg}");
        assert!(svg.contains("M240.0,4.0"), "{svg}");
    }
}
