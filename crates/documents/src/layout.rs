//! A small page composer for forms: a title, bordered tables of wrapped cells, plain
//! paragraphs and signature boxes on A4 pages, with a footer on every page.
//!
//! Layout is done first into a list of drawing operations per page, and only then
//! written with krilla: the footer needs the page count ("第 1 页 / 共 2 页"), which
//! is known only once everything is placed.

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;

use crate::DocumentError;
use crate::fonts::{Fonts, Metrics};

/// A4 in PDF points (1/72 inch).
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN_X: f32 = 48.0;
const MARGIN_TOP: f32 = 50.0;
/// The footer lives below this line.
const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - 64.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;

pub(crate) const BODY_SIZE: f32 = 10.0;
const SMALL_SIZE: f32 = 8.5;
const TITLE_SIZE: f32 = 18.0;
const LINE_HEIGHT: f32 = 15.0;
const CELL_PAD_X: f32 = 5.0;
const CELL_PAD_Y: f32 = 4.0;
/// Rows up to this many lines move to the next page whole rather than split.
const KEEP_TOGETHER_LINES: usize = 4;
const BORDER_WIDTH: f32 = 0.6;
const LABEL_GRAY: u8 = 236;
const SECTION_GRAY: u8 = 214;

/// How a table cell looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    /// A field name: shaded, bold.
    Label,
    /// A field value.
    Value,
    /// A column heading: shaded, bold, centred.
    Header,
}

/// One cell of a table row; `share` is its part of the content width (a row's shares
/// add up to 1).
pub(crate) struct Cell {
    text: String,
    share: f32,
    kind: CellKind,
}

impl Cell {
    pub(crate) fn label(text: impl Into<String>, share: f32) -> Cell {
        Cell::new(text, share, CellKind::Label)
    }

    pub(crate) fn value(text: impl Into<String>, share: f32) -> Cell {
        Cell::new(text, share, CellKind::Value)
    }

    pub(crate) fn header(text: impl Into<String>, share: f32) -> Cell {
        Cell::new(text, share, CellKind::Header)
    }

    fn new(text: impl Into<String>, share: f32, kind: CellKind) -> Cell {
        Cell {
            text: text.into(),
            share,
            kind,
        }
    }

    fn bold(&self) -> bool {
        self.kind != CellKind::Value
    }
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rect {
        rect: Frame,
        fill: Option<u8>,
        stroke: bool,
    },
    /// A horizontal rule.
    Rule { x: f32, y: f32, width: f32 },
}

/// A rectangle in page coordinates (top-left origin), turned into a krilla `Rect`
/// only when drawn.
#[derive(Debug, Clone, Copy)]
struct Frame {
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

/// The text of the footer of one page, given its number and the page count.
pub(crate) type Footer<'a> = dyn Fn(usize, usize) -> (String, String) + 'a;

pub(crate) struct Composer<'a> {
    fonts: &'a Fonts,
    regular: Metrics<'a>,
    bold: Metrics<'a>,
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page.
    y: f32,
    /// The heading of the table being written, repeated with （续） when its rows
    /// continue on a new page.
    section: Option<String>,
}

impl<'a> Composer<'a> {
    pub(crate) fn new(fonts: &'a Fonts) -> Composer<'a> {
        Composer {
            fonts,
            regular: fonts.regular().metrics(),
            bold: fonts.bold().metrics(),
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
            section: None,
        }
    }

    /// A centred bold title.
    pub(crate) fn title(&mut self, text: &str) -> Result<(), DocumentError> {
        let width = self.width(text, TITLE_SIZE, true)?;
        let x = MARGIN_X + (CONTENT_WIDTH - width) / 2.0;
        self.text(x, self.y + TITLE_SIZE, TITLE_SIZE, true, text);
        self.y += TITLE_SIZE * 2.0;
        Ok(())
    }

    /// A line of small print above a table: `left` flush left, `right` flush right.
    pub(crate) fn caption(&mut self, left: &str, right: &str) -> Result<(), DocumentError> {
        let baseline = self.y + SMALL_SIZE;
        self.width(left, SMALL_SIZE, false)?;
        self.text(MARGIN_X, baseline, SMALL_SIZE, false, left);
        let right_width = self.width(right, SMALL_SIZE, false)?;
        let right_x = MARGIN_X + CONTENT_WIDTH - right_width;
        self.text(right_x, baseline, SMALL_SIZE, false, right);
        self.y += SMALL_SIZE + 6.0;
        Ok(())
    }

    /// Vertical space, dropped at a page break.
    pub(crate) fn gap(&mut self, height: f32) {
        self.y = (self.y + height).min(CONTENT_BOTTOM);
    }

    /// A full-width shaded heading row of a table, kept with the row after it.
    pub(crate) fn section(&mut self, text: &str) -> Result<(), DocumentError> {
        let height = LINE_HEIGHT + 2.0 * CELL_PAD_Y;
        if self.y + 2.0 * height + LINE_HEIGHT > CONTENT_BOTTOM {
            self.new_page();
        }
        self.width(text, BODY_SIZE, true)?;
        self.section_row(text);
        self.section = Some(text.to_owned());
        Ok(())
    }

    /// Ends the current table: rows after this are not under its heading.
    pub(crate) fn end_table(&mut self) {
        self.section = None;
    }

    fn section_row(&mut self, text: &str) {
        let height = LINE_HEIGHT + 2.0 * CELL_PAD_Y;
        let rect = rect(MARGIN_X, self.y, CONTENT_WIDTH, height);
        self.push(Op::Rect {
            rect,
            fill: Some(SECTION_GRAY),
            stroke: true,
        });
        let baseline = self.y + CELL_PAD_Y + baseline_offset();
        self.text(MARGIN_X + CELL_PAD_X, baseline, BODY_SIZE, true, text);
        self.y += height;
    }

    /// A new page in the middle of a table, which starts with the table's heading.
    fn continue_table(&mut self) {
        self.new_page();
        if let Some(section) = self.section.clone() {
            self.section_row(&format!("{section}（续）"));
        }
    }

    /// A bordered table row. Cells wrap; a row too tall for the rest of the page
    /// continues on the next one.
    pub(crate) fn row(&mut self, cells: &[Cell]) -> Result<(), DocumentError> {
        let widths: Vec<f32> = cells.iter().map(|c| c.share * CONTENT_WIDTH).collect();
        let wrapped = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| self.wrap(&cell.text, width - 2.0 * CELL_PAD_X, cell.bold()))
            .collect::<Result<Vec<_>, _>>()?;
        let total = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let mut start = 0;
        while start < total {
            let fit = self.lines_that_fit();
            let left = total - start;
            let must_move = fit == 0 || (fit < left && left <= KEEP_TOGETHER_LINES);
            if must_move && !self.page_is_empty() {
                self.continue_table();
                continue;
            }
            let take = left.min(fit.max(1));
            self.row_part(cells, &widths, &wrapped, start..start + take);
            start += take;
            if start < total {
                self.continue_table();
            }
        }
        Ok(())
    }

    /// Starts a new page unless `height` more points fit on this one (to keep a
    /// declaration with the boxes signed under it).
    pub(crate) fn keep_room(&mut self, height: f32) {
        if self.y + height > CONTENT_BOTTOM && !self.page_is_empty() {
            self.new_page();
        }
    }

    /// The height [`Composer::paragraph`] will take for `text`.
    pub(crate) fn paragraph_height(&self, text: &str) -> Result<f32, DocumentError> {
        Ok(self.wrap(text, CONTENT_WIDTH, false)?.len() as f32 * LINE_HEIGHT)
    }

    /// Text without a border, wrapped to the content width; long paragraphs continue
    /// on the next page.
    pub(crate) fn paragraph(&mut self, text: &str) -> Result<(), DocumentError> {
        self.end_table();
        for line in self.wrap(text, CONTENT_WIDTH, false)? {
            if self.y + LINE_HEIGHT > CONTENT_BOTTOM {
                self.new_page();
            }
            self.text(
                MARGIN_X,
                self.y + baseline_offset(),
                BODY_SIZE,
                false,
                &line,
            );
            self.y += LINE_HEIGHT;
        }
        Ok(())
    }

    /// Boxes to sign or stamp, side by side: each has its name top left and a hint
    /// (such as "年 月 日") bottom right. Never split over two pages.
    pub(crate) fn signature_boxes(
        &mut self,
        boxes: &[(&str, &str)],
        height: f32,
    ) -> Result<(), DocumentError> {
        self.end_table();
        if self.y + height > CONTENT_BOTTOM {
            self.new_page();
        }
        let count = boxes.len().max(1) as f32;
        let width = CONTENT_WIDTH / count;
        for (i, (name, hint)) in boxes.iter().enumerate() {
            let x = MARGIN_X + width * i as f32;
            self.push(Op::Rect {
                rect: rect(x, self.y, width, height),
                fill: None,
                stroke: true,
            });
            self.width(name, BODY_SIZE, true)?;
            let top_baseline = self.y + CELL_PAD_Y + baseline_offset();
            self.text(x + CELL_PAD_X, top_baseline, BODY_SIZE, true, name);
            let hint_width = self.width(hint, BODY_SIZE, false)?;
            let hint_x = x + width - CELL_PAD_X * 2.0 - hint_width;
            let hint_baseline = self.y + height - CELL_PAD_Y - 4.0;
            self.text(hint_x, hint_baseline, BODY_SIZE, false, hint);
        }
        self.y += height;
        Ok(())
    }

    /// Writes the PDF, with `footer(page, pages)` at the bottom of every page.
    pub(crate) fn finish(self, title: &str, footer: &Footer<'_>) -> Result<Vec<u8>, DocumentError> {
        let page_count = self.pages.len();
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language("zh-CN".to_owned())
                .creator("onething".to_owned()),
        );
        for (index, ops) in self.pages.iter().enumerate() {
            let (left, right) = footer(index + 1, page_count);
            let footer_ops = self.footer_ops(&left, &right)?;
            let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
                .ok_or_else(|| DocumentError::Pdf("invalid page size".to_owned()))?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            for op in ops.iter().chain(&footer_ops) {
                self.draw(&mut surface, op)?;
            }
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|error| DocumentError::Pdf(format!("{error:?}")))
    }

    fn footer_ops(&self, left: &str, right: &str) -> Result<Vec<Op>, DocumentError> {
        let line_y = CONTENT_BOTTOM + 16.0;
        let baseline = line_y + 14.0;
        let right_width = self.width(right, SMALL_SIZE, false)?;
        self.width(left, SMALL_SIZE, false)?;
        Ok(vec![
            Op::Rule {
                x: MARGIN_X,
                y: line_y,
                width: CONTENT_WIDTH,
            },
            Op::Text {
                x: MARGIN_X,
                baseline,
                size: SMALL_SIZE,
                bold: false,
                text: left.to_owned(),
            },
            Op::Text {
                x: MARGIN_X + CONTENT_WIDTH - right_width,
                baseline,
                size: SMALL_SIZE,
                bold: false,
                text: right.to_owned(),
            },
        ])
    }

    fn draw(
        &self,
        surface: &mut krilla::surface::Surface<'_>,
        op: &Op,
    ) -> Result<(), DocumentError> {
        match op {
            Op::Text {
                x,
                baseline,
                size,
                bold,
                text,
            } => {
                let face = if *bold {
                    self.fonts.bold()
                } else {
                    self.fonts.regular()
                };
                surface.set_fill(Some(Fill::default()));
                surface.set_stroke(None);
                surface.draw_text(
                    Point::from_xy(*x, *baseline),
                    face.font.clone(),
                    *size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            }
            Op::Rect { rect, fill, stroke } => {
                let mut builder = PathBuilder::new();
                let frame = Rect::from_xywh(rect.x, rect.y, rect.width, rect.height)
                    .ok_or_else(|| DocumentError::Pdf(format!("invalid cell {rect:?}")))?;
                builder.push_rect(frame);
                draw_path(surface, builder, fill.map(gray_fill), stroke.then(border))?;
            }
            Op::Rule { x, y, width } => {
                let mut builder = PathBuilder::new();
                builder.move_to(*x, *y);
                builder.line_to(x + width, *y);
                draw_path(surface, builder, None, Some(border()))?;
            }
        }
        Ok(())
    }

    /// Draws lines `range` of every cell as one bordered row at the current position.
    fn row_part(
        &mut self,
        cells: &[Cell],
        widths: &[f32],
        wrapped: &[Vec<String>],
        range: std::ops::Range<usize>,
    ) {
        let height = range.len() as f32 * LINE_HEIGHT + 2.0 * CELL_PAD_Y;
        let mut x = MARGIN_X;
        for ((cell, width), lines) in cells.iter().zip(widths).zip(wrapped) {
            let fill = match cell.kind {
                CellKind::Value => None,
                CellKind::Label => Some(LABEL_GRAY),
                CellKind::Header => Some(SECTION_GRAY),
            };
            self.push(Op::Rect {
                rect: rect(x, self.y, *width, height),
                fill,
                stroke: true,
            });
            // A cell with fewer lines than the row shows what it has of the range.
            let end = range.end.min(lines.len());
            let shown = lines.get(range.start.min(end)..end).unwrap_or_default();
            // Short cells are centred vertically against the tallest cell of the row.
            let spare = (range.len() - shown.len().min(range.len())) as f32 * LINE_HEIGHT / 2.0;
            for (i, line) in shown.iter().enumerate() {
                let baseline = self.y + CELL_PAD_Y + spare + i as f32 * LINE_HEIGHT;
                let line_x = if cell.kind == CellKind::Header {
                    let line_width = self.width(line, BODY_SIZE, true).unwrap_or(0.0);
                    x + (width - line_width) / 2.0
                } else {
                    x + CELL_PAD_X
                };
                self.text(
                    line_x,
                    baseline + baseline_offset(),
                    BODY_SIZE,
                    cell.bold(),
                    line,
                );
            }
            x += width;
        }
        self.y += height;
    }

    fn lines_that_fit(&self) -> usize {
        let room = CONTENT_BOTTOM - self.y - 2.0 * CELL_PAD_Y;
        if room < LINE_HEIGHT {
            0
        } else {
            (room / LINE_HEIGHT) as usize
        }
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        self.push(Op::Text {
            x,
            baseline,
            size,
            bold,
            text: text.to_owned(),
        });
    }

    fn metrics(&self, bold: bool) -> &Metrics<'a> {
        if bold { &self.bold } else { &self.regular }
    }

    /// Width in points; a character the font lacks is an error rather than an empty
    /// box on paper.
    fn width(&self, text: &str, size: f32, bold: bool) -> Result<f32, DocumentError> {
        self.metrics(bold)
            .width(text, size)
            .map_err(|ch| DocumentError::MissingGlyph { ch })
    }

    /// Breaks `text` into lines no wider than `max_width` at body size. Explicit
    /// newlines are kept; an empty text gives no lines.
    fn wrap(&self, text: &str, max_width: f32, bold: bool) -> Result<Vec<String>, DocumentError> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_width = 0.0;
            for unit in break_units(paragraph) {
                let unit_width = self.width(&unit, BODY_SIZE, bold)?;
                if line_width + unit_width <= max_width {
                    line.push_str(&unit);
                    line_width += unit_width;
                    continue;
                }
                if !line.trim().is_empty() {
                    lines.push(line.trim_end().to_owned());
                }
                line = String::new();
                line_width = 0.0;
                // A unit wider than a whole line (a long number) is cut anywhere.
                for ch in unit.trim_start().chars() {
                    let ch_width = self.width(ch.encode_utf8(&mut [0; 4]), BODY_SIZE, bold)?;
                    if line_width + ch_width > max_width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_width = 0.0;
                    }
                    line.push(ch);
                    line_width += ch_width;
                }
            }
            if !line.trim().is_empty() {
                lines.push(line.trim_end().to_owned());
            }
        }
        Ok(lines)
    }
}

/// Pieces of text a line may break between: each Chinese character, each run of
/// Latin letters or digits, each space. Closing punctuation sticks to what precedes
/// it and opening punctuation to what follows (a line never starts with "，").
fn break_units(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut pending_open = String::new();
    for ch in text.chars() {
        let glue_to_previous = is_closing(ch)
            || (is_word_char(ch) && units.last().is_some_and(|u| ends_with_word_char(u)));
        match units.last_mut() {
            Some(last) if glue_to_previous && pending_open.is_empty() => last.push(ch),
            _ if is_opening(ch) => pending_open.push(ch),
            _ => {
                let mut unit = std::mem::take(&mut pending_open);
                unit.push(ch);
                units.push(unit);
            }
        }
    }
    if !pending_open.is_empty() {
        units.push(pending_open);
    }
    units
}

fn is_word_char(ch: char) -> bool {
    ch.is_ascii_graphic() && !is_opening(ch) && !is_closing(ch)
}

fn ends_with_word_char(unit: &str) -> bool {
    unit.chars().last().is_some_and(is_word_char)
}

fn is_closing(ch: char) -> bool {
    "，。、；：！？）》」』】〕…,.;:!?)%".contains(ch)
}

fn is_opening(ch: char) -> bool {
    "（《「『【〔(".contains(ch)
}

/// From the top of a line box to the baseline of body text in it.
fn baseline_offset() -> f32 {
    (LINE_HEIGHT - BODY_SIZE) / 2.0 + BODY_SIZE * 0.88
}

fn rect(x: f32, y: f32, width: f32, height: f32) -> Frame {
    Frame {
        x,
        y,
        width,
        height,
    }
}

fn draw_path(
    surface: &mut krilla::surface::Surface<'_>,
    builder: PathBuilder,
    fill: Option<Fill>,
    stroke: Option<Stroke>,
) -> Result<(), DocumentError> {
    let path = builder
        .finish()
        .ok_or_else(|| DocumentError::Pdf("empty path".to_owned()))?;
    surface.set_fill(fill);
    surface.set_stroke(stroke);
    surface.draw_path(&path);
    Ok(())
}

fn gray_fill(lightness: u8) -> Fill {
    Fill {
        paint: luma::Color::new(lightness).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn border() -> Stroke {
    Stroke {
        width: BORDER_WIDTH,
        ..Stroke::default()
    }
}

#[cfg(test)]
mod tests {
    use super::break_units;

    #[test]
    fn chinese_breaks_anywhere_but_words_and_punctuation_stick() {
        assert_eq!(
            break_units("生育津贴，ABC123（测试）。"),
            vec!["生", "育", "津", "贴，", "ABC123", "（测", "试）。"]
        );
    }

    #[test]
    fn spaces_are_their_own_units() {
        assert_eq!(break_units("a b"), vec!["a", " ", "b"]);
    }
}
