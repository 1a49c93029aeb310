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

/// `read` on each of `parts`, on every core and a part or two ahead of
/// `take`, which sees each result in the parts' order on this thread. A
/// result goes back to the thread that made it to be freed there (a long
/// script's ops are many small allocations: freed where they were made,
/// their memory serves that thread's next part). At most two results per
/// core are alive at once, so the memory is a few parts', not all of
/// them. A panic in `read` is resumed here.
pub fn pipeline<T: Sync, R: Send>(
    parts: &[T],
    read: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(&R),
) {
    let readers = cores().min(parts.len());
    if readers < 2 {
        for part in parts {
            take(&read(part));
        }
        return;
    }
    let read = &read;
    std::thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(readers);
        let mut threads = Vec::with_capacity(readers);
        for k in 0..readers {
            let (done, done_rx) = std::sync::mpsc::sync_channel::<R>(1);
            let (back, back_rx) = std::sync::mpsc::channel::<R>();
            threads.push(scope.spawn(move || {
                for part in parts.iter().skip(k).step_by(readers) {
                    // Free what `take` is done with before reading more.
                    while let Ok(used) = back_rx.try_recv() {
                        drop(used);
                    }
                    if done.send(read(part)).is_err() {
                        return;
                    }
                }
                // The last results, as they come back.
                back_rx.into_iter().for_each(drop);
            }));
            lanes.push((done_rx, back));
        }
        for i in 0..parts.len() {
            let (done, back) = &lanes[i % readers];
            // A reader that panicked sends nothing more: joined below.
            let Ok(result) = done.recv() else { break };
            take(&result);
            let _ = back.send(result);
        }
        drop(lanes);
        for thread in threads {
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}
