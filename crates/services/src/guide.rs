//! 办事指南 (RB-7): the service guide of a catalogue item or bundle, from the catalogue in
//! force (versioned with it). Public: the guide is what the bureau publishes.

use onething_domain::catalog::ServiceGuide;

use crate::{ServiceError, Services};

/// The guide of `code` (an item's, else a bundle's) in the current catalogue, with the
/// catalogue version it comes from; 404 when there is none.
pub async fn guide(svc: &Services, code: &str) -> Result<(i64, ServiceGuide), ServiceError> {
    let stored = svc.store.current_catalog().await?;
    let guide = stored
        .catalog
        .guide(code)
        .cloned()
        .ok_or_else(ServiceError::not_found)?;
    Ok((stored.version, guide))
}
