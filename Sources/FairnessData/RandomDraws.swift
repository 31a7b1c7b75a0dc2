// Random draws written out here (instead of the standard library's `Int.random(in:using:)` and
// `shuffle(using:)`, whose algorithms are not documented as stable) so that a seed gives the same
// split and the same synthetic sample on every toolchain.

extension RandomNumberGenerator {
  /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject method; unbiased).
  mutating func uniformIndex(below bound: Int) -> Int {
    precondition(bound > 0)
    let b = UInt64(bound)
    var product = next().multipliedFullWidth(by: b)
    if product.low < b {
      let threshold = (0 &- b) % b
      while product.low < threshold {
        product = next().multipliedFullWidth(by: b)
      }
    }
    return Int(product.high)
  }

  /// A uniform double in `[0, 1)` with 53 random bits.
  mutating func unitInterval() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// An index drawn with the given probabilities (which sum to 1 up to rounding); inverse CDF.
  mutating func categorical(_ probabilities: [Double]) -> Int {
    let u = unitInterval()
    var cumulative = 0.0
    for (k, p) in probabilities.enumerated() {
      cumulative += p
      if u < cumulative { return k }
    }
    // Rounding left a sliver above the last cumulative sum: return the last positive entry.
    return probabilities.lastIndex(where: { $0 > 0 }) ?? (probabilities.count - 1)
  }
}

extension Array {
  /// Fisher-Yates shuffle driven by `uniformIndex(below:)` (the same permutation for a given
  /// generator state on every toolchain).
  public mutating func seededShuffle(using rng: inout some RandomNumberGenerator) {
    guard count > 1 else { return }
    for i in stride(from: count - 1, to: 0, by: -1) {
      let j = rng.uniformIndex(below: i + 1)
      if i != j { swapAt(i, j) }
    }
  }
}

/// Splits `total` into integers proportional to `weights` (largest-remainder / Hamilton method):
/// the result sums to `total` and each entry is the floor or ceiling of `total * weight / sum`.
/// Ties in remainders go to the lower index, so the result is deterministic.
func apportion(_ total: Int, weights: [Double]) -> [Int] {
  let sum = weights.reduce(0, +)
  guard total > 0, sum > 0 else { return [Int](repeating: 0, count: weights.count) }
  let quotas = weights.map { Double(total) * $0 / sum }
  var counts = quotas.map { Int($0.rounded(.down)) }
  var remaining = total - counts.reduce(0, +)
  let order = quotas.indices.sorted { lhs, rhs in
    let rl = quotas[lhs] - Double(counts[lhs])
    let rr = quotas[rhs] - Double(counts[rhs])
    return rl != rr ? rl > rr : lhs < rhs
  }
  var k = 0
  while remaining > 0 {
    counts[order[k % order.count]] += 1
    remaining -= 1
    k += 1
  }
  return counts
}
