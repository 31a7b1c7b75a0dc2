internal import CBLAS
internal import Dispatch

/// Row-chunked parallelism for work over the rows of a tall array, used only when more than one
/// thread is configured (``setThreadCount(_:)``); with one thread every caller keeps its serial path.
///
/// The rows `0..<rows` are split into `T` contiguous chunks of near-equal size, `T` the configured
/// thread count (fewer when a chunk would have under `minimumRowsPerChunk` rows). The chunks run
/// concurrently with `DispatchQueue.concurrentPerform`; OpenBLAS is switched to one thread for the
/// duration (so each BLAS call inside a chunk runs on the calling worker and the cores are not
/// oversubscribed) and restored afterwards. The split depends only on `rows` and `T`, so a result
/// that combines per-chunk parts in chunk order is deterministic for a given thread count.
package enum RowChunks {
  /// A thread count that replaces the configured one for chunking in the current task (tests use it
  /// to compare chunked and serial results without changing the process-wide OpenBLAS setting,
  /// which concurrently running tests rely on).
  @TaskLocal package static var threadCountOverride: Int?

  /// The chunks `body` would be called with: `[0..<rows]` when one thread is configured or the
  /// rows are too few to split.
  package static func ranges(rows: Int, minimumRowsPerChunk: Int) -> [Range<Int>] {
    let threads = threadCountOverride ?? currentThreadCount()
    let count = Swift.max(1, Swift.min(threads, rows / Swift.max(1, minimumRowsPerChunk)))
    guard count > 1 else { return [0..<rows] }
    return (0..<count).map { c in (rows * c / count)..<(rows * (c + 1) / count) }
  }

  /// Calls `body(c, chunks[c])` for every chunk, concurrently when there is more than one (OpenBLAS
  /// set to one thread meanwhile). `body` must only write memory that no other chunk touches.
  package static func forEach(_ chunks: [Range<Int>], _ body: @Sendable (Int, Range<Int>) -> Void) {
    guard chunks.count > 1 else {
      if let only = chunks.first { body(0, only) }
      return
    }
    withBLASThreads(threaded: false) {
      DispatchQueue.concurrentPerform(iterations: chunks.count) { c in body(c, chunks[c]) }
    }
  }
}

extension RowChunks {
  /// Runs `body` with OpenBLAS on ``currentThreadCount()`` threads if `threaded`, else on one,
  /// restoring OpenBLAS's previous count after (no call when it already matches).
  ///
  /// Calls too small to gain from OpenBLAS's threads (a Cholesky factor of a few hundred, a
  /// level-1 operation, a small product) pass `threaded: false`: every threaded OpenBLAS call
  /// leaves its idle workers spinning on `sched_yield` for about 0.1 s (OpenBLAS's
  /// `THREAD_TIMEOUT`), and on a machine with as many cores as threads they then compete with the
  /// chunks of the next ``forEach(_:_:)``. Large calls that are not split pass `threaded: true`.
  package static func withBLASThreads<R, E: Error>(threaded: Bool, _ body: () throws(E) -> R) throws(E) -> R {
    let previous = Int(openblas_get_num_threads())
    let wanted = threaded ? currentThreadCount() : 1
    guard wanted != previous else { return try body() }
    openblas_set_num_threads(cInt(wanted, "thread count"))
    defer { openblas_set_num_threads(cInt(previous, "thread count")) }
    return try body()
  }

  /// The largest order of a matrix factored or solved with OpenBLAS on one thread.
  package static let singleThreadedFactorLimit = 1024
}

/// A pointer that the chunks of ``RowChunks/forEach(_:_:)`` write through, each to its own disjoint
/// range (the caller guarantees this; the `@Sendable` chunk closure cannot capture a raw pointer).
package struct SharedOutput: @unchecked Sendable {
  package let base: UnsafeMutablePointer<Double>
  package init(_ base: UnsafeMutablePointer<Double>) { self.base = base }
}
