//! Word documents (.docx, through docx-rs) in the shape a street office sends up: a bold
//! centred title in 黑体, body text in 仿宋/宋体, numbered sections, tables with a shaded
//! header, A4 with page numbers in the footer.

use super::table::{Align, Cell, Sheet};
use crate::error::{Error, Result};
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, PageMargin, PageNum, PageOrientationType, Paragraph, Run, RunFonts,
    Shading, ShdType, Table, TableCell, TableRow, WidthType,
};
use std::path::Path;

const BODY_FONT: &str = "仿宋";
const TABLE_FONT: &str = "宋体";
const HEAD_FONT: &str = "黑体";

/// A4 in twentieths of a point.
const A4_W: u32 = 11906;
const A4_H: u32 = 16838;

fn fonts(name: &str) -> RunFonts {
    RunFonts::new().east_asia(name).ascii(name).hi_ansi(name)
}

/// A document being assembled, top to bottom.
pub struct Doc {
    docx: Docx,
    landscape: bool,
}

impl Doc {
    pub fn new(landscape: bool) -> Doc {
        let (w, h) = if landscape { (A4_H, A4_W) } else { (A4_W, A4_H) };
        let mut docx = Docx::new()
            .page_size(w, h)
            .page_margin(PageMargin {
                top: 1440,
                bottom: 1300,
                left: 1300,
                right: 1300,
                header: 720,
                footer: 600,
                gutter: 0,
            })
            .default_fonts(fonts(BODY_FONT))
            .default_size(28) // 四号 14pt, in half-points
            .footer(
                Footer::new().add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_text("— ").size(21))
                        .add_page_num(PageNum::new())
                        .add_run(Run::new().add_text(" —").size(21)),
                ),
            );
        if landscape {
            docx = docx.page_orient(PageOrientationType::Landscape);
        }
        Doc { docx, landscape }
    }

    fn push(&mut self, p: Paragraph) {
        let d = std::mem::replace(&mut self.docx, Docx::new());
        self.docx = d.add_paragraph(p);
    }

    /// The document title: 二号 黑体, centred.
    pub fn title(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().after(120))
                .add_run(Run::new().add_text(text).size(40).bold().fonts(fonts(HEAD_FONT))),
        );
    }

    /// A centred line under the title (unit, date).
    pub fn subtitle(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().after(80))
                .add_run(Run::new().add_text(text).size(24).fonts(fonts(TABLE_FONT))),
        );
    }

    /// A section heading ("一、总体进度"): 黑体 三号.
    pub fn heading(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(200).after(100))
                .keep_next(true)
                .add_run(Run::new().add_text(text).size(30).fonts(fonts(HEAD_FONT))),
        );
    }

    /// A body paragraph, first line indented two characters.
    pub fn para(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .first_line_chars(200)
                .line_spacing(LineSpacing::new().line(440).line_rule(docx_rs::LineSpacingType::Exact))
                .add_run(Run::new().add_text(text)),
        );
    }

    /// A paragraph whose lead-in is bold ("签约户数:" 120 户).
    pub fn para_lead(&mut self, lead: &str, text: &str) {
        self.push(
            Paragraph::new()
                .first_line_chars(200)
                .line_spacing(LineSpacing::new().line(440).line_rule(docx_rs::LineSpacingType::Exact))
                .add_run(Run::new().add_text(lead).bold())
                .add_run(Run::new().add_text(text)),
        );
    }

    /// A table: shaded bold header, thin borders, 宋体 五号; widths from the sheet's columns.
    pub fn table(&mut self, s: &Sheet) {
        let usable = if self.landscape { A4_H - 2600 } else { A4_W - 2600 } as f64;
        let total_w: f64 = s.columns.iter().map(|c| c.width).sum::<f64>().max(1.0);
        let widths: Vec<usize> = s.columns.iter().map(|c| (c.width / total_w * usable) as usize).collect();
        let cell = |text: &str, w: usize, align: Align, bold: bool, shade: bool| {
            let a = match align {
                Align::Left => AlignmentType::Left,
                Align::Center => AlignmentType::Center,
                Align::Right => AlignmentType::Right,
            };
            let mut run = Run::new().add_text(text).size(21).fonts(fonts(TABLE_FONT));
            if bold {
                run = run.bold();
            }
            let mut c = TableCell::new()
                .width(w, WidthType::Dxa)
                .vertical_align(docx_rs::VAlignType::Center)
                .add_paragraph(Paragraph::new().align(a).add_run(run));
            if shade {
                c = c.shading(Shading::new().shd_type(ShdType::Clear).fill("D9E1F2"));
            }
            c
        };
        let mut rows = vec![TableRow::new(
            s.columns.iter().zip(&widths).map(|(c, w)| cell(&c.header, *w, Align::Center, true, true)).collect(),
        )
        .cant_split()];
        for (r, bold) in s.rows.iter().map(|r| (r, false)).chain(s.total.iter().map(|r| (r, true))) {
            rows.push(
                TableRow::new(
                    r.iter()
                        .zip(&s.columns)
                        .zip(&widths)
                        .map(|((v, c), w)| {
                            cell(
                                &v.pretty(),
                                *w,
                                if matches!(v, Cell::Text(_)) { c.align } else { Align::Right.min_for(c.align) },
                                bold,
                                false,
                            )
                        })
                        .collect(),
                )
                .cant_split(),
            );
        }
        let t = Table::new(rows).set_grid(widths).align(docx_rs::TableAlignmentType::Center);
        let d = std::mem::replace(&mut self.docx, Docx::new());
        self.docx = d.add_table(t);
        // A little air after a table.
        self.push(Paragraph::new().line_spacing(LineSpacing::new().after(60)));
    }

    // ---- per-household paper (src/office/paper.rs)

    /// Starts a new page (between the households of a batch).
    pub fn page_break(&mut self) {
        self.push(Paragraph::new().add_run(Run::new().add_break(docx_rs::BreakType::Page)));
    }

    /// A plain line in 宋体 小四, not indented: fields of a form ("户号:DX4-024").
    pub fn line(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(40).after(40))
                .add_run(Run::new().add_text(text).size(24).fonts(fonts(TABLE_FONT))),
        );
    }

    /// A bold line in 宋体 小四 (a total, the amount in capitals).
    pub fn line_bold(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(60).after(60))
                .add_run(Run::new().add_text(text).size(24).bold().fonts(fonts(TABLE_FONT))),
        );
    }

    /// Signature lines, one per signer: "被征收人(签字):______  日期:____年__月__日".
    pub fn signatures(&mut self, signers: &[&str]) {
        self.push(Paragraph::new().line_spacing(LineSpacing::new().after(200)));
        for s in signers {
            self.push(
                Paragraph::new().line_spacing(LineSpacing::new().before(240).after(120)).keep_next(true).add_run(
                    Run::new()
                        .add_text(format!("{s}（签字）：________________    日期：______年____月____日"))
                        .size(24)
                        .fonts(fonts(TABLE_FONT)),
                ),
            );
        }
    }

    pub fn save(self, path: &Path) -> Result<()> {
        let mut buf = std::io::Cursor::new(Vec::new());
        self.docx.build().pack(&mut buf).map_err(|e| Error::Corrupt(format!("生成 Word 文件失败：{e}")))?;
        super::save(path, &buf.into_inner())
    }
}

impl Align {
    /// Numbers keep a centred column centred, else right-aligned.
    fn min_for(self, column: Align) -> Align {
        if column == Align::Center {
            Align::Center
        } else {
            self
        }
    }
}
