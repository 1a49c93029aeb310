//! Work shared out over the machine's cores, outside the browser (the
//! analysis worker's wasm has one thread: there everything runs in turn).

/// The cores this process may use (1 in the browser).
pub fn cores() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// `work` on each part, the first on this thread and the others on threads
/// of their own; the results in the parts' order. A panic in a part is
/// resumed here.
pub fn map<T: Send, R: Send>(parts: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    if parts.len() < 2 || cores() < 2 {
        return parts.into_iter().map(work).collect();
    }
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
