//! The rating form (好差评) as the services' `RatingInput`: the page sends `score`,
//! `comment`, `reason` (repeated checkboxes) and, for each item the applicant rates,
//! `item.CODE.score`, `item.CODE.reason`, `item.CODE.comment` (an item left without a
//! score is not rated). The same validation as the API's JSON body follows.

use crate::extract::PagePath;
use onething_domain::ids::CaseId;
use onething_domain::supervision::RatingReason;
use onething_services::supervision::{ItemRatingInput, RatingInput};

/// One reason checkbox of the form.
pub(crate) struct ReasonOption {
    pub(crate) code: &'static str,
    pub(crate) label: &'static str,
    pub(crate) praise: bool,
}

/// Every reason in the dictionary, praise first.
pub(crate) fn reason_options() -> Vec<ReasonOption> {
    RatingReason::ALL
        .into_iter()
        .map(|r| ReasonOption {
            code: r.code(),
            label: r.label_zh(),
            praise: r.is_praise(),
        })
        .collect()
}

/// The rating part of a case page: the form while the applicant may rate, or her rating.
#[derive(Default)]
pub(crate) struct RatingSection {
    pub(crate) may_rate: bool,
    pub(crate) until: String,
    pub(crate) rated: Option<i64>,
    pub(crate) reasons: Vec<ReasonOption>,
    /// `(code, name)` of the case's items.
    pub(crate) items: Vec<(String, String)>,
}

/// What the case page shows of the rating: nothing for anyone but the applicant.
pub(crate) async fn section(
    state: &crate::AppState,
    user: &crate::auth::CurrentUser,
    record: &onething_store::cases::CaseRecord,
    catalog: &onething_domain::catalog::Catalog,
) -> RatingSection {
    use onething_domain::access::UseCase;
    if !UseCase::RateCase.permits(user.role()) {
        return RatingSection::default();
    }
    let actor = user.actor(state, None);
    let Ok((rated, until)) =
        onething_services::supervision::rating_of_case(&state.services(), &actor, &record.id).await
    else {
        return RatingSection::default();
    };
    let open = until.is_some_and(|u| actor.today() <= u);
    RatingSection {
        may_rate: rated.is_none() && open,
        until: until.map(|u| u.to_string()).unwrap_or_default(),
        rated: rated.map(|r| r.score),
        reasons: reason_options(),
        items: record
            .state
            .items
            .keys()
            .map(|code| {
                let name = catalog
                    .item(code)
                    .map_or_else(|| code.clone(), |i| i.name.clone());
                (code.clone(), name)
            })
            .collect(),
    }
}

/// `POST /cases/{id}/rating` (page): the same use case as the API; back to the case.
pub(crate) async fn rate(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    super::chrome::Signed { user, .. }: super::chrome::Signed,
    PagePath(id): PagePath<CaseId>,
    body: axum::body::Bytes,
) -> Result<axum::response::Response, super::PageError> {
    let actor = super::permit(&state, &user, onething_domain::access::UseCase::RateCase)?;
    let rating = onething_services::supervision::Rate::try_from(rating_input(&body))
        .map_err(|e| crate::ApiError::from(onething_services::ServiceError::from(e)))?;
    onething_services::supervision::rate(&state.services(), &actor, id.as_str(), rating)
        .await
        .map_err(crate::ApiError::from)?;
    Ok(super::chrome::redirect_with(
        &format!("/cases/{id}#rating"),
        None,
    ))
}

pub(crate) fn rating_input(body: &[u8]) -> RatingInput {
    let mut input = RatingInput::default();
    let mut items: Vec<(String, ItemRatingInput)> = Vec::new();
    for (key, value) in form_urlencoded::parse(body) {
        let value = value.into_owned();
        match key.as_ref() {
            "score" => input.score = value.trim().parse().ok(),
            "comment" => input.comment = Some(value),
            "reason" if !value.trim().is_empty() => input.reasons.push(value),
            other => {
                let Some((code, field)) = other
                    .strip_prefix("item.")
                    .and_then(|rest| rest.rsplit_once('.'))
                else {
                    continue;
                };
                let at = match items.iter().position(|(c, _)| c == code) {
                    Some(at) => at,
                    None => {
                        let entry = ItemRatingInput {
                            item: Some(code.to_owned()),
                            ..ItemRatingInput::default()
                        };
                        items.push((code.to_owned(), entry));
                        items.len() - 1
                    }
                };
                let item = &mut items[at].1;
                match field {
                    "score" => item.score = value.trim().parse().ok(),
                    "reason" if !value.trim().is_empty() => item.reasons.push(value),
                    "comment" => item.comment = Some(value),
                    _ => {}
                }
            }
        }
    }
    input.items = items
        .into_iter()
        .map(|(_, item)| item)
        .filter(|item| item.score.is_some())
        .collect();
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_as_the_json_body_does() {
        let body = b"csrf_token=x&score=2&reason=SLOW&reason=OTHER&comment=%E6%85%A2\
&item.PS-05.score=1&item.PS-05.reason=MANY_VISITS&item.HR-SSCARD.score=&item.HR-SSCARD.reason=&item.HR-SSCARD.comment=x";
        let input = rating_input(body);
        assert_eq!(input.score, Some(2));
        assert_eq!(input.reasons, ["SLOW", "OTHER"]);
        assert_eq!(input.comment.as_deref(), Some("慢"));
        assert_eq!(input.items.len(), 1, "an item without a score is not rated");
        assert_eq!(input.items[0].item.as_deref(), Some("PS-05"));
        assert_eq!(input.items[0].reasons, ["MANY_VISITS"]);
    }
}
