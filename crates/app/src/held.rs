//! One resource an adapter may keep for the rest of a request: PostgreSQL
//! keeps the connection that resolved the session, already set to the
//! session's organisation, so that the request's query needs neither another
//! connection nor another round trip. Outside a request scope nothing is kept.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;

type Slot = RefCell<Option<Box<dyn Any + Send>>>;

tokio::task_local! {
    static HELD: Slot;
}

/// Runs one request with an empty slot; whatever is left in it is dropped
/// (a connection goes back to its pool) when the request ends.
pub async fn request_scope<F: Future>(request: F) -> F::Output {
    HELD.scope(RefCell::new(None), request).await
}

/// Keeps `value` for the rest of the request; gives it back when there is no
/// request scope.
pub fn keep<T: Any + Send>(value: T) -> Option<T> {
    let mut value = Some(value);
    let kept = HELD.try_with(|slot| {
        if let Some(value) = value.take() {
            *slot.borrow_mut() = Some(Box::new(value));
        }
    });
    if kept.is_err() { value } else { None }
}

/// Takes what was kept, when it is a `T` that `wanted` accepts; anything else
/// kept is dropped.
pub fn take<T: Any + Send>(wanted: impl FnOnce(&T) -> bool) -> Option<T> {
    let kept = HELD.try_with(|slot| slot.borrow_mut().take()).ok().flatten()?;
    let kept = kept.downcast::<T>().ok()?;
    wanted(&kept).then_some(*kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_kept_value_lives_for_one_request_and_is_taken_once() {
        assert_eq!(keep(7_u32), Some(7), "no scope, nothing kept");
        request_scope(async {
            assert_eq!(keep(7_u32), None);
            assert_eq!(take::<u32>(|v| *v == 8), None, "refused, and dropped");
            assert_eq!(take::<u32>(|_| true), None);
            keep(9_u32);
            assert_eq!(take::<u32>(|_| true), Some(9));
            assert_eq!(take::<u32>(|_| true), None);
        })
        .await;
        request_scope(async { assert_eq!(take::<u32>(|_| true), None, "each request starts empty") }).await;
    }
}
