internal import CBLAS

/// Sets the number of threads OpenBLAS uses for every subsequent BLAS/LAPACK call in the process.
///
/// The summation order of a threaded BLAS kernel can depend on the thread count, so results are
/// bitwise reproducible across runs only with a fixed count; tests that assert bitwise
/// determinism call `setThreadCount(1)` (or run with `OPENBLAS_NUM_THREADS=1`). This is a
/// process-wide setting. The corresponding OpenBLAS function is `openblas_set_num_threads`.
///
/// - Parameter count: the number of threads, at least 1.
public func setThreadCount(_ count: Int) {
  precondition(count >= 1, "thread count must be at least 1, got \(count)")
  openblas_set_num_threads(cInt(count, "thread count"))
}

/// The number of threads OpenBLAS currently uses (`openblas_get_num_threads`).
public func currentThreadCount() -> Int {
  Int(openblas_get_num_threads())
}
