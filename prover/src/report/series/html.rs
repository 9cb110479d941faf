//! `index.html` of an audit series: one self-contained page (inline style and SVG, no script, no
//! address outside the page) with the summary, the findings, headroom and ratios over time,
//! realized loss against margin, and the attestations' table.

use super::{EntryJson, SeriesJson};
use solvent_statement::utc;

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line of a chart.
struct Line {
    name: &'static str,
    color: &'static str,
    dashed: bool,
    points: Vec<(f64, f64)>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const MARGIN: f64 = 48.0;

/// An SVG line chart of `lines` over time, with `marks` (red dots) and a zero line when zero is
/// in range.
fn chart(title: &str, lines: &[Line], marks: &[(f64, f64)]) -> String {
    let all: Vec<(f64, f64)> = lines.iter().flat_map(|l| l.points.iter().copied()).chain(marks.iter().copied()).collect();
    if all.is_empty() {
        return format!("<h2>{}</h2><p class=\"none\">No figures: no opened attestation.</p>\n", escape(title));
    }
    let (mut x0, mut x1) = (f64::MAX, f64::MIN);
    let (mut y0, mut y1) = (f64::MAX, f64::MIN);
    for &(x, y) in &all {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if x1 <= x0 {
        (x0, x1) = (x0 - 1.0, x1 + 1.0);
    }
    if y1 <= y0 {
        (y0, y1) = (y0 - 1.0, y1 + 1.0);
    }
    let sx = |x: f64| MARGIN + (x - x0) / (x1 - x0) * (WIDTH - 2.0 * MARGIN);
    let sy = |y: f64| HEIGHT - MARGIN + (y0 - y) / (y1 - y0) * (HEIGHT - 2.0 * MARGIN);
    let mut svg = format!(
        "<h2>{title}</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{title}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\n",
        title = escape(title)
    );
    svg.push_str(&format!(
        "<rect x=\"{m}\" y=\"{m}\" width=\"{w}\" height=\"{h}\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n",
        m = MARGIN,
        w = WIDTH - 2.0 * MARGIN,
        h = HEIGHT - 2.0 * MARGIN
    ));
    if y0 < 0.0 && y1 > 0.0 {
        svg.push_str(&format!("<line x1=\"{MARGIN}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#999\"/>\n", WIDTH - MARGIN, y = sy(0.0)));
    }
    for l in lines.iter().filter(|l| !l.points.is_empty()) {
        let path: Vec<String> = l.points.iter().map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y))).collect();
        let dash = if l.dashed { " stroke-dasharray=\"6 4\"" } else { "" };
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{dash} points=\"{}\"><title>{}</title></polyline>\n",
            l.color,
            path.join(" "),
            escape(l.name)
        ));
        for &(x, y) in &l.points {
            svg.push_str(&format!("<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{}\"/>\n", sx(x), sy(y), l.color));
        }
    }
    for &(x, y) in marks {
        svg.push_str(&format!(
            "<circle class=\"exceedance\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"none\" stroke=\"#c00\" stroke-width=\"2\"/>\n",
            sx(x),
            sy(y)
        ));
    }
    let label = |x: f64, y: f64, anchor: &str, text: String| {
        format!("<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"11\">{}</text>\n", escape(&text))
    };
    svg.push_str(&label(MARGIN - 4.0, MARGIN + 4.0, "end", compact(y1)));
    svg.push_str(&label(MARGIN - 4.0, HEIGHT - MARGIN, "end", compact(y0)));
    svg.push_str(&label(MARGIN, HEIGHT - MARGIN + 16.0, "start", utc(x0 as u64)));
    svg.push_str(&label(WIDTH - MARGIN, HEIGHT - MARGIN + 16.0, "end", utc(x1 as u64)));
    let mut legend_x = MARGIN;
    for l in lines {
        svg.push_str(&format!("<rect x=\"{legend_x:.1}\" y=\"14\" width=\"12\" height=\"4\" fill=\"{}\"/>\n", l.color));
        svg.push_str(&label(legend_x + 16.0, 20.0, "start", l.name.to_string()));
        legend_x += 28.0 + 7.0 * l.name.len() as f64;
    }
    svg.push_str("</svg>\n");
    svg
}

/// A number with 4 significant digits and a k/M/G suffix, for axis labels.
fn compact(value: f64) -> String {
    let magnitude = value.abs();
    let (scaled, suffix) = match magnitude {
        m if m >= 1e9 => (value / 1e9, "G"),
        m if m >= 1e6 => (value / 1e6, "M"),
        m if m >= 1e3 => (value / 1e3, "k"),
        _ => (value, ""),
    };
    let digits = format!("{scaled:.4}");
    format!("{}{suffix}", digits.trim_end_matches('0').trim_end_matches('.'))
}

fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

fn points(entries: &[EntryJson], value: impl Fn(&EntryJson) -> Option<f64>) -> Vec<(f64, f64)> {
    entries.iter().filter_map(|e| Some((e.snapshot_time? as f64, value(e)?))).collect()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}\
table{border-collapse:collapse;font-size:13px;margin:8px 0 24px}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left}\
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00;font-weight:600}\
.ok{color:#070}.zone-green{background:#dfd}.zone-yellow{background:#ffd}.zone-red{background:#fdd}.none{color:#777}";

/// The page.
pub fn page(json: &SeriesJson) -> String {
    let s = &json.summary;
    let mut html = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>solvent audit series</title>");
    html.push_str(&format!("<style>{STYLE}</style></head><body>\n<h1>Audit series</h1>\n"));
    let period = match (json.period.first, json.period.last) {
        (Some(first), Some(last)) => format!("snapshots from {} to {}", utc(first), utc(last)),
        _ => "no valid snapshot".to_string(),
    };
    html.push_str(&format!(
        "<p id=\"summary\">{} files: {} VALID, {} opened; <span class=\"{}\">{} findings</span>; {}; largest gap {} s.</p>\n",
        s.files,
        s.valid,
        s.opened,
        if s.findings == 0 { "ok" } else { "bad" },
        s.findings,
        escape(&period),
        json.period.max_gap
    ));
    html.push_str("<h2>Findings</h2>\n");
    if json.findings.is_empty() {
        html.push_str("<p class=\"ok\">None.</p>\n");
    } else {
        html.push_str("<table id=\"findings\"><tr><th>kind</th><th>snapshot (UTC)</th><th>file</th><th>what</th></tr>\n");
        for f in json.findings {
            html.push_str(&format!(
                "<tr><td class=\"bad\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                escape(&super::serde_plain(&f.kind)),
                f.snapshot_time.map(utc).unwrap_or_default(),
                escape(f.file.as_deref().unwrap_or("")),
                escape(&f.message)
            ));
        }
        html.push_str("</table>\n");
    }
    let entries = &json.attestations;
    let figure =
        |f: fn(&super::FiguresJson) -> Option<&String>| move |e: &EntryJson| e.figures.as_ref().and_then(f).and_then(|t| number(t));
    html.push_str(&chart(
        "Headroom over time",
        &[
            Line {
                name: "margin excess E - mr' M",
                color: "#1565c0",
                dashed: false,
                points: points(entries, figure(|f| Some(&f.margin_excess))),
            },
            Line {
                name: "collateral excess C - cr D",
                color: "#2e7d32",
                dashed: false,
                points: points(entries, figure(|f| Some(&f.collateral_excess))),
            },
        ],
        &[],
    ));
    html.push_str(&chart(
        "Margin ratio E / M against mr'",
        &[
            Line { name: "E / M", color: "#1565c0", dashed: false, points: points(entries, figure(|f| f.margin_ratio.as_ref())) },
            Line { name: "mr'", color: "#c62828", dashed: true, points: points(entries, figure(|f| Some(&f.required_margin_ratio))) },
        ],
        &[],
    ));
    html.push_str(&chart(
        "Collateral ratio C / D against cr",
        &[
            Line { name: "C / D", color: "#2e7d32", dashed: false, points: points(entries, figure(|f| f.collateral_ratio.as_ref())) },
            Line { name: "cr", color: "#c62828", dashed: true, points: points(entries, figure(|f| Some(&f.required_collateral_ratio))) },
        ],
        &[],
    ));
    if let Some(b) = json.backtest {
        let loss = |e: &EntryJson| e.backtest.as_ref().and_then(|o| number(&o.realized_loss));
        let marks: Vec<(f64, f64)> = entries
            .iter()
            .filter(|e| e.backtest.as_ref().is_some_and(|o| o.exceeded))
            .filter_map(|e| Some((e.snapshot_time? as f64, loss(e)?)))
            .collect();
        html.push_str(&chart(
            &format!("Realized loss over {} s against the risk charge H + M (circled: exceedances)", b.horizon),
            &[
                Line { name: "realized loss L", color: "#6a1b9a", dashed: false, points: points(entries, loss) },
                Line {
                    name: "risk charge R = H + M",
                    color: "#c62828",
                    dashed: true,
                    points: points(entries, |e| e.backtest.as_ref().and_then(|o| number(&o.risk_charge))),
                },
            ],
            &marks,
        ));
        html.push_str(&format!(
            "<table id=\"backtest\"><tr><th>of</th><th>observations</th><th>exceedances</th><th>zone (coverage {})</th></tr>\n",
            b.coverage
        ));
        for z in b.per_account.iter().chain(&b.per_policy) {
            html.push_str(&format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"zone-{zone}\">{zone}</td></tr>\n",
                escape(&z.of),
                z.observations,
                z.exceedances,
                zone = z.zone.name()
            ));
        }
        html.push_str("</table>\n");
    }
    html.push_str("<h2>Attestations</h2>\n<table id=\"attestations\"><tr><th>snapshot (UTC)</th><th>file</th><th>verdict</th><th>policy</th><th>account</th><th>E</th><th>M</th><th>E / M</th><th>C / D</th><th>realized loss L</th><th>risk charge R</th></tr>\n");
    for e in entries {
        let f = e.figures.as_ref();
        let cell = |v: Option<&String>| format!("<td class=\"num\">{}</td>", escape(v.map_or("", |s| s.as_str())));
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td>{}{}{}{}{}{}</tr>\n",
            escape(e.snapshot_time_utc.as_deref().unwrap_or("")),
            escape(&e.file),
            if e.verdict == "VALID" { "ok" } else { "bad" },
            escape(e.verdict),
            escape(e.policy_name.as_deref().unwrap_or("")),
            escape(e.account.as_deref().unwrap_or("")),
            cell(f.map(|f| &f.equity)),
            cell(f.map(|f| &f.margin_requirement)),
            cell(f.and_then(|f| f.margin_ratio.as_ref())),
            cell(f.and_then(|f| f.collateral_ratio.as_ref())),
            cell(e.backtest.as_ref().map(|b| &b.realized_loss)),
            cell(e.backtest.as_ref().map(|b| &b.risk_charge)),
        ));
    }
    html.push_str("</table>\n</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_are_compact() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(compact(1_234_567.0), "1.2346M");
        assert_eq!(compact(-2500.0), "-2.5k");
        assert_eq!(compact(0.5), "0.5");
        assert_eq!(compact(1000.0), "1k");
    }

    #[test]
    fn a_chart_without_points_says_so_and_one_with_points_draws_them() {
        assert!(chart("t", &[], &[]).contains("No figures"));
        let line = Line { name: "a", color: "#000", dashed: false, points: vec![(0.0, -1.0), (86_400.0, 2.0)] };
        let svg = chart("t", &[line], &[(86_400.0, 2.0)]);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("class=\"exceedance\""));
        assert!(svg.contains("1970-01-02T00:00:00Z"), "the last date on the axis");
        assert!(svg.contains("stroke=\"#999\""), "a zero line");
    }
}
