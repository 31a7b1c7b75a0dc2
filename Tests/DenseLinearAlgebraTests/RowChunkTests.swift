import Testing
import _TestSupport

@testable import DenseLinearAlgebra

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
        let chunks = RowChunks.$threadCountOverride.withValue(threads) {
          RowChunks.ranges(rows: rows, minimumRowsPerChunk: 2048)
        }
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
        let serial = RowChunks.$threadCountOverride.withValue(1) {
          ones ? a.weightedGramWithOnes(w) : a.weightedGram(w)
        }
        for threads in [2, 3] {
          let chunked = RowChunks.$threadCountOverride.withValue(threads) {
            ones ? a.weightedGramWithOnes(w) : a.weightedGram(w)
          }
          let again = RowChunks.$threadCountOverride.withValue(threads) {
            ones ? a.weightedGramWithOnes(w) : a.weightedGram(w)
          }
          #expect(
            normwiseDifference(chunked.elements, serial.elements) <= 1e-12,
            "\(rows)x\(columns) ones \(ones) threads \(threads)")
          #expect(chunked == again, "deterministic for \(threads) threads")
          #expect(chunked == chunked.transposed(), "symmetric")
        }
      }
    }
  }

  @Test func tallProductsWithThreadsMatchSerial() {
    var generator = TestSeed.generator(default: 7102)
    let rows = 5_000
    // op(A) op(B) for tall A (rows split) and Aᵀ op(B) (shared dimension split), including the
    // vector-shaped dgemv cases.
    for (m, k, n) in [(rows, 7, 3), (rows, 7, 1), (rows, 1, 4), (4, rows, 3), (1, rows, 3), (4, rows, 1), (1, rows, 1)]
    {
      for transA in [false, true] {
        for transB in [false, true] {
          let a = transA ? randomMatrix(k, m, using: &generator) : randomMatrix(m, k, using: &generator)
          let b = transB ? randomMatrix(n, k, using: &generator) : randomMatrix(k, n, using: &generator)
          let product = { Matrix.product(a, transposingFirst: transA, b, transposingSecond: transB, scaledBy: 0.5) }
          let serial = RowChunks.$threadCountOverride.withValue(1) { product() }
          for threads in [2, 3] {
            let chunked = RowChunks.$threadCountOverride.withValue(threads) { product() }
            #expect(
              normwiseDifference(chunked.elements, serial.elements) <= 1e-12,
              "\(m)x\(k)x\(n) \(transA) \(transB) \(threads)")
          }
        }
      }
    }
    let a = randomMatrix(rows, 9, using: &generator)
    let (x, y) = (randomMatrix(9, 1, using: &generator).elements, randomMatrix(rows, 1, using: &generator).elements)
    let w = randomMatrix(4, 9, using: &generator)
    let bias = randomMatrix(1, 4, using: &generator).elements
    for threads in [2, 3] {
      let (serial, chunked) = (
        RowChunks.$threadCountOverride.withValue(1) {
          (a.applied(to: x), a.transposeApplied(to: y), a.multiplied(byTransposeOf: w, addingToEachRow: bias))
        },
        RowChunks.$threadCountOverride.withValue(threads) {
          (a.applied(to: x), a.transposeApplied(to: y), a.multiplied(byTransposeOf: w, addingToEachRow: bias))
        }
      )
      #expect(normwiseDifference(chunked.0, serial.0) <= 1e-12, "Ax")
      #expect(normwiseDifference(chunked.1, serial.1) <= 1e-12, "Aᵀy")
      #expect(normwiseDifference(chunked.2.elements, serial.2.elements) <= 1e-12, "A Wᵀ + 1 biasᵀ")
    }
  }
}
