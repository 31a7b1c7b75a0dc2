@testable import DenseLinearAlgebra
import Testing
import _TestSupport

/// The row-chunked (multi-threaded) paths agree with the serial ones to rounding and are
/// deterministic for a given thread count. The thread count is set per task
/// (`RowChunks.threadCountOverride`), not process-wide, so concurrently running tests that rely on
/// one OpenBLAS thread are unaffected.
@Suite("Row-chunked parallel paths")
struct RowChunkTests {
  /// `‖a − b‖∞ / ‖b‖∞`.
  func normwiseDifference(_ a: [Double], _ b: [Double]) -> Double {
    (zip(a, b).map { abs($0 - $1) }.max() ?? 0) / max(VectorMath.maxAbsoluteValue(b), .leastNormalMagnitude)
  }

  @Test func chunksCoverTheRowsInOrder() {
    for threads in [1, 2, 3, 8] {
      for rows in [0, 5, 2047, 4096, 10_001] {
        let chunks = RowChunks.$threadCountOverride.withValue(threads) { RowChunks.ranges(rows: rows, minimumRowsPerChunk: 2048) }
        #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == rows)
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(chunks.count <= max(1, threads))
        #expect(chunks.count == 1 || chunks.allSatisfy { $0.count >= 2048 })
      }
    }
  }

  @Test func weightedGramWithThreadsMatchesSerial() {
    var generator = TestSeed.generator(default: 7101)
    for (rows, columns) in [(9_000, 37), (4_500, 3)] {
      let a = randomMatrix(rows, columns, using: &generator)
      // Non-negative weights with some zeros (the dsyrk path).
      let w = (0..<rows).map { i in i % 7 == 0 ? 0 : Double.random(in: 0..<3, using: &generator) }
      for ones in [false, true] {
        let serial = RowChunks.$threadCountOverride.withValue(1) { ones ? a.weightedGramWithOnes(w) : a.weightedGram(w) }
        for threads in [2, 3] {
          let chunked = RowChunks.$threadCountOverride.withValue(threads) {
            ones ? a.weightedGramWithOnes(w) : a.weightedGram(w)
          }
          let again = RowChunks.$threadCountOverride.withValue(threads) {
            ones ? a.weightedGramWithOnes(w) : a.weightedGram(w)
          }
          #expect(normwiseDifference(chunked.elements, serial.elements) <= 1e-12, "\(rows)x\(columns) ones \(ones) threads \(threads)")
          #expect(chunked == again, "deterministic for \(threads) threads")
          #expect(chunked == chunked.transposed(), "symmetric")
        }
      }
    }
  }
}
