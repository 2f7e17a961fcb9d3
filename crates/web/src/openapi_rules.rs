//! Answers every operation of a kind can give, added to the generated document in one place
//! instead of in each handler's annotation: a `401` for every operation that wants a session
//! (the session extractor refuses a missing, ended or unknown one before the handler runs),
//! and a `413` for every operation that takes a body (the body limit refuses it before the
//! handler runs; `crate::rejections` gives it the error body).

use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi, Ref, RefOr};

/// Adds the shared answers to `api`.
pub(crate) fn complete(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        let operations = [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ];
        for operation in operations.into_iter().flatten() {
            if wants_session(operation) {
                add_error(
                    operation,
                    "401",
                    "未登录或会话已过期 (no session, or it ended)",
                );
            }
            if operation.request_body.is_some() {
                let limit = format!(
                    "BODY_TOO_LARGE: the body is over the size limit ({} MiB for a JSON body; \
                     uploads: see the operation)",
                    crate::rejections::MAX_BODY_BYTES >> 20
                );
                add_error(operation, "413", &limit);
            }
        }
    }
}

/// True when every alternative security requirement names a scheme (none is `{}`, which
/// would make the session optional).
fn wants_session(operation: &Operation) -> bool {
    let Some(requirements) = &operation.security else {
        return false;
    };
    !requirements.is_empty()
        && requirements.iter().all(|r| {
            serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
        })
}

fn add_error(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                utoipa::openapi::ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        utoipa::openapi::ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        });
}

/// A string schema allowing exactly `values` (for query parameters the handler checks by
/// hand, so that its Chinese message stays).
pub(crate) fn string_enum(values: &[&str]) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(values.iter().copied()))
        .build()
}
