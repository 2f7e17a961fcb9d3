//! 办事指南 (seed 002 附件3 and any catalogue guide) as a PDF: the catalogue's guide, section
//! by section, as the bureau publishes it.

use onething_domain::catalog::ServiceGuide;

use crate::layout::{Cell, Composer};
use crate::{DocumentError, Fonts};

const SINGLE: [f32; 2] = [0.22, 0.78];
const MATERIALS: [f32; 4] = [0.22, 0.26, 0.14, 0.38];

/// The guide as a PDF (A4); `version` is the catalogue version printed in the footer.
pub fn guide_pdf(
    guide: &ServiceGuide,
    version: i64,
    fonts: &Fonts,
) -> Result<Vec<u8>, DocumentError> {
    let mut page = Composer::new(fonts);
    let title = format!("{}服务指南", guide.name);
    page.title(&title)?;
    page.caption(
        &format!("适用范围：{}", guide.scope),
        &format!("目录版本 {version}"),
    )?;
    let conditions = guide
        .conditions
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {c}", i + 1))
        .collect::<Vec<_>>()
        .join("\n");
    for (label, value) in [
        ("事项名称", guide.name.as_str()),
        ("服务对象", guide.audience.as_str()),
        ("申请条件", conditions.as_str()),
        ("审批决定机构", guide.deciding_body.as_str()),
        ("办理时限", guide.time_limit.as_str()),
        ("收费标准", guide.fee.as_str()),
        ("结果送达", guide.delivery.as_str()),
        ("办理地点", guide.place.as_str()),
        ("办理时间", guide.hours.as_str()),
        ("咨询和投诉电话", guide.phone.as_str()),
    ] {
        page.row(&[Cell::label(label, SINGLE[0]), Cell::value(value, SINGLE[1])])?;
    }
    page.end_table();
    page.section("材料清单")?;
    page.row(&[
        Cell::header("适用情形", MATERIALS[0]),
        Cell::header("申请材料", MATERIALS[1]),
        Cell::header("材料来源", MATERIALS[2]),
        Cell::header("材料要求", MATERIALS[3]),
    ])?;
    for m in &guide.materials {
        let requirement = if m.requirement.is_empty() {
            "—"
        } else {
            &m.requirement
        };
        page.row(&[
            Cell::value(&m.for_what, MATERIALS[0]),
            Cell::value(&m.name, MATERIALS[1]),
            Cell::value(&m.source, MATERIALS[2]),
            Cell::value(requirement, MATERIALS[3]),
        ])?;
    }
    page.end_table();
    page.gap(6.0);
    page.paragraph(&format!("依据：{}", guide.source))?;
    let footer = format!("{title}　目录版本 {version}");
    page.finish(&title, &move |number, pages| {
        (footer.clone(), format!("第 {number} 页 / 共 {pages} 页"))
    })
}
