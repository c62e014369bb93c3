//! The ITA's ten indicators and the tool each belongs to.
//!
//! The indicator set (๑–๑๐ under IIT, EIT, OIT) has been stable since 2561; names printed in a
//! document come from the package when it gives them and from here otherwise. Per-year rules
//! (weights, levels) are not here: they belong in per-year framework files.

use crate::model::Tool;

/// One standard indicator.
#[derive(Debug, Clone, Copy)]
pub struct Indicator {
    pub number: u8,
    pub name: &'static str,
    pub tool: Tool,
}

/// The ten indicators, in order.
pub const INDICATORS: [Indicator; 10] = [
    Indicator { number: 1, name: "การปฏิบัติหน้าที่", tool: Tool::Iit },
    Indicator { number: 2, name: "การใช้งบประมาณ", tool: Tool::Iit },
    Indicator { number: 3, name: "การใช้อำนาจ", tool: Tool::Iit },
    Indicator { number: 4, name: "การใช้ทรัพย์สินของราชการ", tool: Tool::Iit },
    Indicator { number: 5, name: "การแก้ไขปัญหาการทุจริต", tool: Tool::Iit },
    Indicator { number: 6, name: "คุณภาพการดำเนินงาน", tool: Tool::Eit },
    Indicator { number: 7, name: "ประสิทธิภาพการสื่อสาร", tool: Tool::Eit },
    Indicator { number: 8, name: "การปรับปรุงระบบการทำงาน", tool: Tool::Eit },
    Indicator { number: 9, name: "การเปิดเผยข้อมูล", tool: Tool::Oit },
    Indicator { number: 10, name: "การป้องกันการทุจริต", tool: Tool::Oit },
];

/// The standard indicator with this number (1–10).
pub fn indicator(number: u8) -> Option<&'static Indicator> {
    INDICATORS.get(usize::from(number).checked_sub(1)?)
}

/// The full Thai name of a tool, as written in report headings.
pub fn tool_title(tool: Tool) -> &'static str {
    match tool {
        Tool::Iit => "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (Internal Integrity and Transparency Assessment: IIT)",
        Tool::Eit => "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (External Integrity and Transparency Assessment: EIT)",
        Tool::Oit => "แบบวัดการเปิดเผยข้อมูลสาธารณะ (Open Data Integrity and Transparency Assessment: OIT)",
    }
}
