import SeededRandom

/// Chooses the memorized set `D` of a finite evaluation population so that it realizes a
/// memorization `x[a][y]` of the theory (convention B, cell-random memorization).
///
/// The population is given by one group index and one label per record (and, for the stratified
/// mode, the base classifier's prediction per record). Counts per cell are
/// `m[a][y] = round(x[a][y] * N)` clamped to the cell size `n[a][y]`; the members are then drawn at
/// random inside each cell with a seeded generator, so a seed determines `D`.
public struct MemorizationSetSelector: Sendable {
  /// How members are drawn inside a cell (a, y).
  public enum Mode: String, Sendable, Codable, CaseIterable {
    /// Uniformly at random among the `n[a][y]` records of the cell: convention B holds in
    /// expectation, and a realized `D` deviates from it by hypergeometric noise.
    case uniform
    /// At random inside every sub-cell (a, y, base prediction yh), with `m[a][y]` apportioned over
    /// the sub-cells in proportion to their sizes (largest remainder). The unmemorized part of the
    /// cell then keeps the base confusion row `C[a][y]` up to one whole record per sub-cell, so
    /// convention B holds deterministically up to rounding.
    case stratified
  }

  /// Group index of every record.
  public let groups: [Int]
  /// True label of every record.
  public let labels: [Int]
  /// Base prediction of every record (used by `.stratified`).
  public let basePredictions: [Int]
  /// Number of groups `G`.
  public let groupCount: Int
  /// Number of classes `K`.
  public let classCount: Int
  /// Record indices of every cell, `members[a][y]`, in increasing order.
  public let members: [[[Int]]]

  /// Indexes the population by cell.
  ///
  /// - Precondition: the three arrays have the same length, groups are in `0..<groupCount`,
  ///   labels and predictions in `0..<classCount`.
  public init(groups: [Int], labels: [Int], basePredictions: [Int], groupCount: Int, classCount: Int) {
    precondition(
      groups.count == labels.count && labels.count == basePredictions.count, "record arrays differ in length")
    self.groups = groups
    self.labels = labels
    self.basePredictions = basePredictions
    self.groupCount = groupCount
    self.classCount = classCount
    var cells = Array(repeating: Array(repeating: [Int](), count: classCount), count: groupCount)
    for i in labels.indices { cells[groups[i]][labels[i]].append(i) }
    members = cells
  }

  /// The number of records `N`.
  public var recordCount: Int { labels.count }

  /// `n[a][y]`, the size of every cell.
  public var cellCounts: [[Int]] { members.map { $0.map(\.count) } }

  /// Whole-record counts realizing masses `x[a][y]`: `round(x * N)` clamped to `0...n[a][y]`.
  public func recordCounts(for x: [[Double]]) -> [[Int]] {
    let n = Double(recordCount)
    return (0..<groupCount).map { a in
      (0..<classCount).map { y in min(max(Int((x[a][y] * n).rounded()), 0), members[a][y].count) }
    }
  }

  /// Draws `m[a][y]` members of every cell at random (see `Mode`) and returns the chosen record
  /// indices, sorted.
  ///
  /// - Precondition: `0 <= m[a][y] <= n[a][y]`.
  public func select(counts m: [[Int]], mode: Mode, using rng: inout some RandomNumberGenerator) -> [Int] {
    var chosen: [Int] = []
    for a in 0..<groupCount {
      for y in 0..<classCount {
        let cell = members[a][y]
        let want = m[a][y]
        precondition(want >= 0 && want <= cell.count, "m[\(a)][\(y)] = \(want) is outside 0...\(cell.count)")
        switch mode {
        case .uniform:
          chosen.append(contentsOf: Self.sample(cell, count: want, using: &rng))
        case .stratified:
          var sub = Array(repeating: [Int](), count: classCount)
          for i in cell { sub[basePredictions[i]].append(i) }
          let quotas = Self.apportion(want, sizes: sub.map(\.count))
          for yh in 0..<classCount { chosen.append(contentsOf: Self.sample(sub[yh], count: quotas[yh], using: &rng)) }
        }
      }
    }
    return chosen.sorted()
  }

  /// `select(counts:mode:using:)` for the counts realizing `x`.
  public func select(realizing x: [[Double]], mode: Mode, using rng: inout some RandomNumberGenerator) -> [Int] {
    select(counts: recordCounts(for: x), mode: mode, using: &rng)
  }

  /// `count` distinct elements of `items` uniformly at random (partial Fisher-Yates).
  static func sample(_ items: [Int], count: Int, using rng: inout some RandomNumberGenerator) -> [Int] {
    items.seededSample(count, using: &rng)
  }

  /// Splits `total <= Σ sizes` over parts in proportion to `sizes` by the largest-remainder
  /// method, never giving a part more than its size.
  static func apportion(_ total: Int, sizes: [Int]) -> [Int] {
    let sum = sizes.reduce(0, +)
    guard sum > 0, total > 0 else { return Array(repeating: 0, count: sizes.count) }
    let ideal = sizes.map { Double(total) * Double($0) / Double(sum) }
    var quotas = ideal.map { Int($0.rounded(.down)) }
    var left = total - quotas.reduce(0, +)
    let order = sizes.indices.sorted { (ideal[$0] - Double(quotas[$0]), -$0) > (ideal[$1] - Double(quotas[$1]), -$1) }
    var k = 0
    while left > 0 {
      let i = order[k % order.count]
      if quotas[i] < sizes[i] {
        quotas[i] += 1
        left -= 1
      }
      k += 1
    }
    return quotas
  }
}
