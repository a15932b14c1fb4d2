//! One module per racetime.gg category (racetime.md §3.12).

pub mod alttpr;
pub mod ctjets;
pub mod flags;
pub mod shells;
pub mod smr;
pub mod smz3;
pub mod test;

pub use alttpr::Alttpr;
pub use ctjets::CtJets;
pub use flags::{Ff1r, Smb3r, Z1r, Z2r};
pub use shells::{Contra, Sgl, SmwHacks, Twwr};
pub use smr::Smr;
pub use smz3::Smz3;
pub use test::Test;
