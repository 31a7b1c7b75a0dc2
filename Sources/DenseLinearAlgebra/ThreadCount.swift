internal import CBLAS
internal import Synchronization

/// The count set by ``setThreadCount(_:)``; 0 until it is first called (then OpenBLAS's own count,
/// from `OPENBLAS_NUM_THREADS` or the number of cores, applies).
let configuredThreadCount = Atomic<Int>(0)

/// Sets the number of threads for every subsequent BLAS/LAPACK call and row-chunked loop in the
/// process.
///
/// With `count > 1`, tall products, weighted Grams, the MLP forward pass and row-wise loops are
/// split into `count` row chunks run concurrently (each chunk's BLAS call on one thread), and
/// large calls that are not split (a big square `dgemm`, a factorization of order above 1024) use
/// `count` OpenBLAS threads for their duration. OpenBLAS itself is otherwise kept on one thread, so
/// its worker pool is started only by a call that uses it (its idle workers spin for about 0.1 s
/// after each threaded call; see Docs/linear-algebra.md, "Threading (row chunks)").
///
/// Summation order depends on the thread count, so results are bitwise reproducible across runs
/// only with a fixed count; tests that assert bitwise determinism call `setThreadCount(1)`. This
/// is a process-wide setting.
///
/// - Parameter count: the number of threads, at least 1.
public func setThreadCount(_ count: Int) {
  precondition(count >= 1, "thread count must be at least 1, got \(count)")
  _ = cInt(count, "thread count")
  configuredThreadCount.store(count, ordering: .relaxed)
  openblas_set_num_threads(1)
}

/// The configured number of threads: the last ``setThreadCount(_:)``, or OpenBLAS's own count
/// (`openblas_get_num_threads`) if it was never called.
public func currentThreadCount() -> Int {
  let count = configuredThreadCount.load(ordering: .relaxed)
  return count > 0 ? count : Int(openblas_get_num_threads())
}

/// Stops OpenBLAS's worker threads until a call needs them again.
///
/// OpenBLAS starts its worker pool when the library is loaded (one worker per further core, unless
/// `OPENBLAS_NUM_THREADS=1`), and idle workers spin on `sched_yield` for about 0.1 s before they
/// sleep: a process that never calls BLAS (`fairmem sweep`, `bounds`, ...) loses that much CPU on
/// the other cores, and on a core it shares with its own threads. This joins the workers; the next
/// call that runs on several OpenBLAS threads starts the pool again (OpenBLAS's `exec_blas`), so it
/// is safe at any time no BLAS call is running. The `fairmem` executable calls it at start.
///
/// The corresponding OpenBLAS function is `blas_thread_shutdown_` (called only if the OpenBLAS in
/// use has it: a serial build has no workers).
public func stopIdleBLASWorkers() {
  CBLAS_stopIdleWorkers()
}
