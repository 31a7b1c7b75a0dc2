import Testing
import _TestSupport

@testable import MemorizationTheory

/// `ParitySeparation.widestPair` (O(G)) against every ordered pair of distinct groups.
@Suite struct ParitySeparationTests {
  @Test("the widest pair in O(G) is the best of all ordered pairs, ties included")
  func widestPairMatchesAllPairs() {
    var rng = TestSeed.generator(default: 0x5E9A_0001, "widestPair")
    for trial in 0..<2_000 {
      let g = Int.random(in: 2...9, using: &rng)
      // Few distinct values, so that ties and coinciding extremes are common.
      let high = (0..<g).map { _ in Double(Int.random(in: 0...4, using: &rng)) }
      let low = (0..<g).map { _ in Double(Int.random(in: 0...4, using: &rng)) }
      let (a, b) = ParitySeparation.widestPair(high: high, low: low)
      #expect(a != b, "trial \(trial)")
      var best = -Double.infinity
      for x in 0..<g { for y in 0..<g where y != x { best = max(best, low[y] - high[x]) } }
      #expect(low[b] - high[a] == best, "trial \(trial): \(high) \(low)")
    }
  }
}
