//! The built-in `terraform` provider: `terraform_data` and `terraform_remote_state`.

mod data;
mod remote_state;

use std::sync::Arc;

use terrane_provider::Host;

use crate::common::TableProvider;

pub use data::TerraformData;
pub use remote_state::RemoteState;

/// The `terraform` provider.
pub fn provider(host: Arc<dyn Host>) -> TableProvider {
    TableProvider::new(
        "terraform",
        host,
        vec![Box::new(TerraformData)],
        vec![Box::new(RemoteState)],
    )
}
