//! Search across an organisation, and the owner pickers of the forms: a
//! syndic types what they remember instead of scrolling a list of hundreds.

use koprogo_domain::ids::BuildingId;
use koprogo_domain::owner::Owner;

use crate::App;
use crate::access::{Action, Actor};
use crate::error::AppError;
use crate::listing::{ListQuery, MAX_PER_PAGE, OwnerSort};
use crate::ports::search::Found;

/// Results of each kind on the search page.
pub const SEARCH_LIMIT: u32 = 20;
/// Owners offered by a form's picker.
pub const PICKER_LIMIT: u32 = 50;

/// The words of a search, lower-cased and without accents (as the stores
/// fold the columns they compare with): at most five, each at most 60 characters.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().take(5).map(|w| koprogo_domain::text::fold(&w.chars().take(60).collect::<String>())).collect()
}

impl App {
    pub async fn search(&self, actor: &Actor, text: &str) -> Result<Found, AppError> {
        let grant = actor.grant(Action::Search)?;
        Ok(self.store.search.search(grant.tenant, &words(text), SEARCH_LIMIT).await?)
    }

    /// Owners to choose from on a form, with the buildings where they hold a
    /// unit: those matching `text`, or the first hundred by name.
    pub async fn owner_choices(&self, actor: &Actor, text: Option<&str>) -> Result<Vec<(Owner, Vec<BuildingId>)>, AppError> {
        let grant = actor.grant(Action::Search)?;
        let words = text.map(words).unwrap_or_default();
        if !words.is_empty() {
            return Ok(self.store.search.search(grant.tenant, &words, PICKER_LIMIT).await?.owners);
        }
        let query = ListQuery { page: 1, per_page: MAX_PER_PAGE, sort: OwnerSort::LastName, descending: false };
        let owners: Vec<Owner> = self
            .store
            .owners
            .owners(grant.tenant, &query, None, &grant.visible)
            .await?
            .items
            .into_iter()
            .filter(|o| o.privacy.erased_at.is_none())
            .collect();
        let ids: Vec<_> = owners.iter().map(|o| o.id).collect();
        let held = self.store.search.owner_buildings(grant.tenant, &ids).await?;
        Ok(owners
            .into_iter()
            .map(|o| {
                let of = held.iter().filter(|(owner, _)| *owner == o.id).map(|(_, b)| *b).collect();
                (o, of)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_search_is_a_few_lower_case_words() {
        assert_eq!(super::words("  Luc   PEETERS "), ["luc", "peeters"]);
        assert!(super::words("   ").is_empty());
        assert_eq!(super::words("a b c d e f g").len(), 5);
    }
}
