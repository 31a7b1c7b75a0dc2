internal import DenseLinearAlgebra

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Row-wise softmax of an `n x k` row-major logit array, computed stably by subtracting each
/// row's maximum. Returns the probabilities and `log Σ_c exp(z_c)` per row, so that
/// `−log p_y = logNormalizer − z_y` without cancellation.
func softmaxRows(_ logits: [Double], rows n: Int, columns k: Int) -> (probabilities: [Double], logNormalizers: [Double])
{
  var probabilities = Array(repeating: 0.0, count: n * k)
  var logNormalizers = Array(repeating: 0.0, count: n)
  guard n > 0, k > 0 else { return (probabilities, logNormalizers) }
  // Rows split across threads when more than one is configured (RowChunks), else one call.
  let chunks = RowChunks.ranges(rows: n, minimumRowsPerChunk: softmaxChunkRows)
  probabilities.withUnsafeMutableBufferPointer { p in
    logNormalizers.withUnsafeMutableBufferPointer { l in
      guard let pb = p.baseAddress, let lb = l.baseAddress else { return }
      let (probabilityOut, normalizerOut) = (SharedOutput(pb), SharedOutput(lb))
      RowChunks.forEach(chunks) { _, range in
        logits.withUnsafeBufferPointer { z in
          softmaxRows(
            z.baseAddress! + range.lowerBound * k, rows: range.count, columns: k,
            probabilities: probabilityOut.base + range.lowerBound * k,
            logNormalizers: normalizerOut.base + range.lowerBound)
        }
      }
    }
  }
  return (probabilities, logNormalizers)
}

/// Rows per chunk (at least) when ``softmaxRows(_:rows:columns:)`` is split across threads.
let softmaxChunkRows = 4096

/// ``softmaxRows(_:rows:columns:)`` on `n` rows at `logits`, writing `n x k` probabilities and `n`
/// log-normalizers (the kernel of the array version and of row-chunked callers).
func softmaxRows(
  _ logits: UnsafePointer<Double>, rows n: Int, columns k: Int, probabilities: UnsafeMutablePointer<Double>,
  logNormalizers: UnsafeMutablePointer<Double>
) {
  for i in 0..<n {
    let base = i * k
    var m = -Double.infinity
    for c in 0..<k { m = max(m, logits[base + c]) }
    var sum = 0.0
    for c in 0..<k {
      let e = exp(logits[base + c] - m)
      probabilities[base + c] = e
      sum += e
    }
    for c in 0..<k { probabilities[base + c] /= sum }
    logNormalizers[i] = m + log(sum)
  }
}

@inline(__always) func exponential(_ x: Double) -> Double { exp(x) }
@inline(__always) func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
