public import FairnessStatistics
import MemorizationTheory

/// How far a measured metric entry may lie from the theory's prediction, and why.
///
/// Notation: `n[a][y]` records in cell (a, y), `n[a]` in group a, `K` classes, `m[a][y]` memorized
/// records. Entries compare a rate of group `a` with one of group `a'`; each band is the sum of
/// the two groups' rate bands.
public enum AgreementBand {
  /// Stratified selection (`MemorizationSetSelector.Mode.stratified`): the realized unmemorized
  /// part of every sub-cell (a, y, yh) differs from the proportional share by less than one
  /// record, so a cell rate differs from R1-R3 at `x = m/N` by less than `1/n[a][y]` and a group
  /// rate by less than `K/n[a]`. Deterministic.
  public static func stratified(_ entry: MetricEntry, cellCounts n: [[Int]]) -> Double {
    rateBand(entry, cellCounts: n, cell: { 1 / Double($0) }, group: { k, na in Double(k) / Double(na) })
  }

  /// Rounding the LP witness to whole records (`m = round(x N)`, `|m - x N| <= 1/2`) moves a cell
  /// rate by at most `1/(2 n[a][y])` and a group rate by at most `K/(2 n[a])`. Deterministic.
  public static func rounding(_ entry: MetricEntry, cellCounts n: [[Int]]) -> Double {
    rateBand(entry, cellCounts: n, cell: { 0.5 / Double($0) }, group: { k, na in 0.5 * Double(k) / Double(na) })
  }

  /// Uniform selection within cells (`Mode.uniform`): the number of chosen records of a sub-cell
  /// (a, y, yh) is hypergeometric, so the measured rate equals R1-R3 at `x = m/N` in expectation;
  /// the band is `z` standard deviations of the entry (groups are drawn independently), plus 1e-12
  /// for floating point. With `z = 5` a false alarm has probability below 1e-6 per entry (normal
  /// approximation; for tiny cells the hypergeometric tails are lighter still).
  public static func hypergeometric(_ entry: MetricEntry, counts: [[[Int]]], memorized m: [[Int]], z: Double) -> Double
  {
    let yh = entry.rate.predictedClass
    func cellVariance(_ a: Int, _ y: Int) -> Double {
      let n = counts[a][y].reduce(0, +)
      guard n > 1 else { return 0 }
      let p = Double(counts[a][y][yh]) / Double(n)
      let draws = Double(m[a][y])
      return draws * p * (1 - p) * (Double(n) - draws) / Double(n - 1)
    }
    func rateVariance(_ a: Int) -> Double {
      if let y = entry.rate.trueClass {
        let n = Double(counts[a][y].reduce(0, +))
        return cellVariance(a, y) / (n * n)
      }
      let na = Double(counts[a].joined().reduce(0, +))
      return counts[a].indices.reduce(0) { $0 + cellVariance(a, $1) } / (na * na)
    }
    return z * (rateVariance(entry.first) + rateVariance(entry.second)).squareRoot() + 1e-12
  }

  static func rateBand(
    _ entry: MetricEntry, cellCounts n: [[Int]], cell: (Int) -> Double, group: (Int, Int) -> Double
  ) -> Double {
    func one(_ a: Int) -> Double {
      if let y = entry.rate.trueClass { return cell(n[a][y]) }
      return group(n[a].count, n[a].reduce(0, +))
    }
    return one(entry.first) + one(entry.second)
  }
}
