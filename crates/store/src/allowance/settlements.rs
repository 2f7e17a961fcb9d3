//! Settlements and payments (MA-5).
