//! The threads behind [`super::map`], [`super::both`] and
//! [`super::pipeline`] (feature `threads`): scoped threads, a board of
//! results under a mutex, and a condition variable.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// `work` on each part, the first on this thread and the others on threads
/// of their own; the results in the parts' order. A panic in a part is
/// resumed here.
pub fn map<T: Send, R: Send>(parts: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let work = &work;
    std::thread::scope(|scope| {
        let mut parts = parts.into_iter();
        let first = parts.next();
        let running: Vec<_> = parts.map(|part| scope.spawn(move || work(part))).collect();
        let mut out = Vec::with_capacity(running.len() + 1);
        out.extend(first.map(work));
        for thread in running {
            match thread.join() {
                Ok(result) => out.push(result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// `a` on this thread and `b` on another at the same time; `a`'s result
/// once both are done. A panic in `b` is resumed
/// here.
pub fn both<A>(a: impl FnOnce() -> A, b: impl FnOnce() + Send) -> A {
    std::thread::scope(|scope| {
        let other = scope.spawn(b);
        let done = a();
        if let Err(panic) = other.join() {
            std::panic::resume_unwind(panic);
        }
        done
    })
}

/// Who read a result in [`pipeline`]: a helper's number, or `take`'s thread.
const HERE: usize = usize::MAX;

/// What [`pipeline`]'s threads share.
struct Board<R> {
    /// The next part nobody reads yet.
    next: usize,
    /// How many results `take` has had.
    taken: usize,
    /// Parts `taken ..` as they come in, with who read them.
    ready: std::collections::VecDeque<Option<(R, usize)>>,
    /// Per helper, results `take` is done with, to free.
    used: Vec<Vec<R>>,
    /// Every result was taken, or a thread panicked: helpers stop.
    over: bool,
}

struct Shared<R> {
    board: Mutex<Board<R>>,
    changed: Condvar,
}

impl<R> Shared<R> {
    fn lock(&self) -> MutexGuard<'_, Board<R>> {
        self.board.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, Board<R>>) -> MutexGuard<'a, Board<R>> {
        self.changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts part `k`'s result, read by `by`, on the board.
    fn post(&self, k: usize, result: R, by: usize) -> MutexGuard<'_, Board<R>> {
        let mut board = self.lock();
        let slot = k - board.taken;
        board.ready[slot] = Some((result, by));
        self.changed.notify_all();
        board
    }
}

/// Ends the pipeline for every thread when dropped, also while a panic
/// unwinds: no thread is left waiting for a result that cannot come.
struct Over<'a, R>(&'a Shared<R>);

impl<R> Drop for Over<'_, R> {
    fn drop(&mut self) {
        self.0.lock().over = true;
        self.0.changed.notify_all();
    }
}

/// `read` on each of `parts`, on every core and a few parts ahead of
/// `take`, which sees each result in the parts' order on this thread.
///
/// Helper threads (one per core but this one's) take the next part not yet
/// being read; this thread reads one too whenever the result it needs next
/// is not there yet, rather than wait. So no core idles while there is a
/// part to read, and none is shared by two busy threads (with a reader on
/// every core, `take`'s thread would compete with them).
///
/// At most a window of two parts per core are read and not yet taken, so
/// the memory is a few parts', not all of them. A result goes back to the
/// thread that made it to be freed there (a long script's ops are many
/// small allocations: freed where they were made, their memory serves that
/// thread's next part). A panic in `read` or `take` is resumed here.
pub fn pipeline<T: Sync, R: Send>(
    parts: &[T],
    read: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(&R),
) {
    let helpers = super::cores().min(parts.len()).saturating_sub(1);
    let window = 2 * (helpers + 1);
    let shared = Shared {
        board: Mutex::new(Board {
            next: 0,
            taken: 0,
            ready: (0..window).map(|_| None).collect(),
            used: (0..helpers).map(|_| Vec::new()).collect(),
            over: false,
        }),
        changed: Condvar::new(),
    };
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..helpers)
            .map(|h| {
                let (shared, read) = (&shared, &read);
                scope.spawn(move || {
                    let _over = Over(shared);
                    let mut board = shared.lock();
                    loop {
                        let used = std::mem::take(&mut board.used[h]);
                        if !used.is_empty() {
                            drop(board);
                            drop(used);
                            board = shared.lock();
                            continue;
                        }
                        if board.over {
                            return;
                        }
                        let k = board.next;
                        if k == parts.len() || k >= board.taken + window {
                            board = shared.wait(board);
                            continue;
                        }
                        board.next += 1;
                        drop(board);
                        let result = read(&parts[k]);
                        board = shared.post(k, result, h);
                    }
                })
            })
            .collect();
        {
            let _over = Over(&shared);
            for _ in 0..parts.len() {
                let mut board = shared.lock();
                let got = loop {
                    if let Some(got) = board.ready[0].take() {
                        board.ready.rotate_left(1);
                        board.taken += 1;
                        shared.changed.notify_all();
                        break Some(got);
                    }
                    if board.over {
                        // A helper panicked: joined below.
                        break None;
                    }
                    let k = board.next;
                    if k < parts.len() && k < board.taken + window {
                        board.next += 1;
                        drop(board);
                        let result = read(&parts[k]);
                        board = shared.post(k, result, HERE);
                    } else {
                        board = shared.wait(board);
                    }
                };
                drop(board);
                let Some((result, by)) = got else { break };
                take(&result);
                if by == HERE {
                    drop(result);
                } else {
                    shared.lock().used[by].push(result);
                    shared.changed.notify_all();
                }
            }
        }
        for thread in threads {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static ALIVE: AtomicUsize = AtomicUsize::new(0);
    static MOST: AtomicUsize = AtomicUsize::new(0);
    static FREED_ELSEWHERE: AtomicUsize = AtomicUsize::new(0);

    /// A result that counts the results alive, and notes a free on another
    /// thread than the one that made it.
    struct Made(usize, std::thread::ThreadId);

    impl Made {
        fn new(value: usize) -> Self {
            let alive = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
            MOST.fetch_max(alive, Ordering::SeqCst);
            Made(value, std::thread::current().id())
        }
    }

    impl Drop for Made {
        fn drop(&mut self) {
            ALIVE.fetch_sub(1, Ordering::SeqCst);
            if self.1 != std::thread::current().id() {
                FREED_ELSEWHERE.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    #[test]
    fn pipeline_takes_every_result_in_order_freed_where_made_with_few_alive() {
        let parts: Vec<usize> = (0..2_000).collect();
        let reads = AtomicUsize::new(0);
        let mut seen = Vec::new();
        pipeline(
            &parts,
            |&k| {
                reads.fetch_add(1, Ordering::SeqCst);
                // Uneven work, so threads overtake each other.
                let spin = (k * 7919) % 3_000;
                Made::new((0..spin).fold(k, |a, _| std::hint::black_box(a)))
            },
            |made| seen.push(made.0),
        );
        assert_eq!(seen, parts);
        assert_eq!(reads.load(Ordering::SeqCst), parts.len());
        assert_eq!(ALIVE.load(Ordering::SeqCst), 0);
        assert_eq!(FREED_ELSEWHERE.load(Ordering::SeqCst), 0);
        let most = MOST.load(Ordering::SeqCst);
        assert!(
            most <= 4 * super::super::cores() + 2,
            "{most} results alive at once"
        );
    }

    #[test]
    fn both_runs_both_and_a_panic_in_either_reaches_the_caller() {
        let ran = AtomicUsize::new(0);
        let got = both(
            || 7,
            || {
                ran.fetch_add(1, Ordering::SeqCst);
            },
        );
        assert_eq!((got, ran.load(Ordering::SeqCst)), (7, 1));
        assert!(std::panic::catch_unwind(|| both(|| (), || panic!("b"))).is_err());
        assert!(std::panic::catch_unwind(|| both(|| panic!("a"), || ())).is_err());
    }

    #[test]
    fn a_panic_in_read_or_take_reaches_the_caller() {
        let parts: Vec<usize> = (0..300).collect();
        for bad in [0, 1, 150, 299] {
            let read = std::panic::catch_unwind(|| {
                pipeline(&parts, |&k| assert_ne!(k, bad, "read"), |_| {})
            });
            assert!(read.is_err(), "a panic reading part {bad} was lost");
            let mut n = 0;
            let take = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pipeline(
                    &parts,
                    |&k| k,
                    |_| {
                        assert_ne!(n, bad, "take");
                        n += 1;
                    },
                )
            }));
            assert!(take.is_err(), "a panic taking part {bad} was lost");
        }
    }
}
