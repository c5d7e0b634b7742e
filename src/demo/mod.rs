pub mod generate;
pub mod scale;
