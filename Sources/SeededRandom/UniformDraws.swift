// Uniform draws and shuffles written out here (instead of the standard library's
// `Int.random(in:using:)` and `shuffle(using:)`, whose algorithms are not documented as stable) so
// that a seed gives the same split, sample, memorized set and mini-batch order on every
// toolchain. Every seeded draw of FairMem goes through these.

extension RandomNumberGenerator {
  /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject method; unbiased, unlike
  /// `next() % bound`).
  ///
  /// - Precondition: `bound > 0`.
  public mutating func uniformIndex(below bound: Int) -> Int {
    precondition(bound > 0, "bound must be positive, got \(bound)")
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
  public mutating func unitInterval() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// An index drawn with the given probabilities (which sum to 1 up to rounding); inverse CDF.
  public mutating func categorical(_ probabilities: [Double]) -> Int {
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
  /// Fisher-Yates shuffle driven by `uniformIndex(below:)`.
  public mutating func seededShuffle(using rng: inout some RandomNumberGenerator) {
    guard count > 1 else { return }
    for i in stride(from: count - 1, to: 0, by: -1) {
      let j = rng.uniformIndex(below: i + 1)
      if i != j { swapAt(i, j) }
    }
  }

  /// `count` distinct elements drawn uniformly without replacement, in draw order (a partial
  /// Fisher-Yates shuffle driven by `uniformIndex(below:)`).
  ///
  /// - Precondition: `0 <= count <= self.count`.
  public func seededSample(_ count: Int, using rng: inout some RandomNumberGenerator) -> [Element] {
    precondition(count >= 0 && count <= self.count, "cannot draw \(count) of \(self.count) elements")
    var pool = self
    for i in 0..<count {
      let j = i + rng.uniformIndex(below: pool.count - i)
      if i != j { pool.swapAt(i, j) }
    }
    return Array(pool.prefix(count))
  }
}
