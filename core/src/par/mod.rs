//! Work shared out over the machine's cores.
//!
//! With the cargo feature `threads` (the `retort` command turns it on), a
//! job's parts run on every core; without it (the playground's wasm, which
//! has one thread) the same calls run the parts in turn, and no thread code
//! is compiled in. Callers write one program either way.

#[cfg(feature = "threads")]
mod threaded;

/// The cores this process may use (1 without the `threads` feature).
pub fn cores() -> usize {
    #[cfg(feature = "threads")]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    #[cfg(not(feature = "threads"))]
    {
        1
    }
}

/// `work` on each part, the first on this thread and the others on threads
/// of their own; the results in the parts' order. A panic in a part is
/// resumed here.
pub fn map<T: Send, R: Send>(parts: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    #[cfg(feature = "threads")]
    if parts.len() >= 2 && cores() >= 2 {
        return threaded::map(parts, work);
    }
    parts.into_iter().map(work).collect()
}

/// `a` on this thread and `b` on another at the same time (in turn without
/// threads); `a`'s result once both are done. A panic in `b` is resumed
/// here.
pub fn both<A>(a: impl FnOnce() -> A, b: impl FnOnce() + Send) -> A {
    #[cfg(feature = "threads")]
    if cores() >= 2 {
        return threaded::both(a, b);
    }
    b();
    a()
}

/// `read` on each of `parts`, on every core and a few parts ahead of
/// `take`, which sees each result in the parts' order on this thread (in
/// turn without threads). With threads, helpers on every core but this
/// one's take the next unread part, this thread reads one whenever the
/// result it needs is not there yet, a window of two parts per core bounds
/// the results alive, and each result is freed on the thread that read it.
pub fn pipeline<T: Sync, R: Send>(
    parts: &[T],
    read: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(&R),
) {
    #[cfg(feature = "threads")]
    if cores() >= 2 && parts.len() >= 2 {
        return threaded::pipeline(parts, read, take);
    }
    for part in parts {
        take(&read(part));
    }
}
