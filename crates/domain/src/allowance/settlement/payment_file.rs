//! The payment file for the bank (contract: header
//! `payment_id,payee_name,bank,account,amount_fen,claims`, one row per payment). `claims`
//! lists the claim ids separated by `;`; fields are quoted as RFC 4180 asks when they hold a
//! comma, a quote or a line break.

use crate::Fen;

pub const PAYMENT_FILE_HEADER: [&str; 6] = [
    "payment_id",
    "payee_name",
    "bank",
    "account",
    "amount_fen",
    "claims",
];

/// One row of the payment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLine {
    pub payment_id: String,
    pub payee_name: String,
    pub bank: String,
    /// The full account number: the bank needs it (views elsewhere show it masked).
    pub account: String,
    pub amount: Fen,
    pub claims: Vec<String>,
}

impl PaymentLine {
    /// The row's cells in header order; amounts as integer fen.
    pub fn cells(&self) -> [String; 6] {
        [
            self.payment_id.clone(),
            self.payee_name.clone(),
            self.bank.clone(),
            self.account.clone(),
            self.amount.as_i64().to_string(),
            self.claims.join(";"),
        ]
    }
}

/// The whole file, UTF-8 without a byte-order mark, lines ending in CRLF (RFC 4180).
pub fn render_payment_csv(lines: &[PaymentLine]) -> String {
    let mut out = String::new();
    push_row(
        &mut out,
        PAYMENT_FILE_HEADER.iter().map(|s| (*s).to_owned()),
    );
    for line in lines {
        push_row(&mut out, line.cells().into_iter());
    }
    out
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    let row: Vec<String> = cells.map(|cell| quote(&cell)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, name: &str, claims: &[&str]) -> PaymentLine {
        PaymentLine {
            payment_id: id.into(),
            payee_name: name.into(),
            bank: "测试银行".into(),
            account: "31000123456789".into(),
            amount: Fen::new(6_240_000),
            claims: claims.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn header_and_rows() {
        let csv = render_payment_csv(&[line("P1", "测试甲公司", &["c1", "c2"])]);
        assert_eq!(
            csv,
            "payment_id,payee_name,bank,account,amount_fen,claims\r\n\
             P1,测试甲公司,测试银行,31000123456789,6240000,c1;c2\r\n"
        );
        assert_eq!(render_payment_csv(&[]).lines().count(), 1);
    }

    #[test]
    fn quoting_follows_rfc_4180_and_reads_back() {
        let csv = render_payment_csv(&[line("P1", "测试\"甲\",有限公司", &["c1"])]);
        assert!(csv.contains("\"测试\"\"甲\"\",有限公司\""), "{csv}");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], "测试\"甲\",有限公司");
        assert_eq!(&rows[0][4], "6240000");
    }
}
