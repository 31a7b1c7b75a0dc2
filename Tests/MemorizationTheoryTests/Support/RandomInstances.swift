import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory

// Random statistics for the property tests. Everything here is written from the spec
// (Docs/theory.md), not from the library's formulas, so that the tests compare two routes.

/// The unit row `e_y` of length `k`.
func unitRow(_ k: Int, _ y: Int) -> [Double] {
  (0..<k).map { $0 == y ? 1.0 : 0.0 }
}

/// A uniform draw in [lo, hi).
func uniform(_ lo: Double, _ hi: Double, using rng: inout some RandomNumberGenerator) -> Double {
  Double.random(in: lo..<hi, using: &rng)
}

/// A random probability vector of length `k` (positive entries, normalized).
func randomSimplex(_ k: Int, using rng: inout some RandomNumberGenerator) -> [Double] {
  let w = (0..<k).map { _ in uniform(0.02, 1, using: &rng) }
  let total = w.reduce(0, +)
  return w.map { $0 / total }
}

/// A random confusion row for true class `y`: a boosted diagonal, occasionally a perfect row
/// (miss rate 0), occasionally a row that never predicts `y`.
func randomConfusionRow(_ k: Int, trueClass y: Int, using rng: inout some RandomNumberGenerator) -> [Double] {
  let roll = uniform(0, 1, using: &rng)
  if roll < 0.04 { return (0..<k).map { $0 == y ? 1 : 0 } }
  var w = (0..<k).map { _ in uniform(0, 1, using: &rng) }
  if roll < 0.07 { w[y] = 0 } else { w[y] += uniform(0, 3, using: &rng) }
  let total = w.reduce(0, +)
  if total == 0 { return (0..<k).map { $0 == y ? 1 : 0 } }
  return w.map { $0 / total }
}

/// Knobs for `randomStatistics`.
struct InstanceShape {
  var groups: ClosedRange<Int> = 2...4
  var classes: ClosedRange<Int> = 2...5
  /// Probability that a given cell has zero mass (never a whole group).
  var zeroCellProbability = 0.0
  /// Convention A (a random `s`) instead of B.
  var conventionA = false
  /// Probability of a random cap below the population (per instance).
  var capProbability = 0.0
}

/// Random statistics: `p` a random joint law, `C` random rows, optional `s` and caps.
func randomStatistics(_ shape: InstanceShape, using rng: inout some RandomNumberGenerator) -> PopulationStatistics<
  Double
> {
  let g = Int.random(in: shape.groups, using: &rng)
  let k = Int.random(in: shape.classes, using: &rng)
  var weights: [[Double]] = []
  for _ in 0..<g {
    var row = (0..<k).map { _ in uniform(0.02, 1, using: &rng) }
    for y in 0..<k where uniform(0, 1, using: &rng) < shape.zeroCellProbability { row[y] = 0 }
    if row.allSatisfy({ $0 == 0 }) { row[Int.random(in: 0..<k, using: &rng)] = uniform(0.02, 1, using: &rng) }
    // Group sizes vary by a factor up to 5.
    let size = uniform(0.2, 1, using: &rng)
    weights.append(row.map { $0 * size })
  }
  let total = weights.joined().reduce(0, +)
  let population = weights.map { $0.map { $0 / total } }
  let confusion = (0..<g).map { a in
    (0..<k).map { y in
      population[a][y] == 0 ? (0..<k).map { $0 == y ? 1.0 : 0 } : randomConfusionRow(k, trueClass: y, using: &rng)
    }
  }
  let s: [[Double]]? = shape.conventionA ? (0..<g).map { _ in randomSimplex(k, using: &rng) } : nil
  var cap: [[Double]]? = nil
  if uniform(0, 1, using: &rng) < shape.capProbability {
    cap = population.map { row in
      row.map { p in
        let roll = uniform(0, 1, using: &rng)
        return roll < 0.15 ? 0 : roll < 0.4 ? p : p * uniform(0, 1, using: &rng)
      }
    }
  }
  return PopulationStatistics(
    groups: (0..<g).map { "g\($0)" }, classes: (0..<k).map { "c\($0)" }, population: population,
    confusion: confusion, unmemorizedPrediction: s, cap: cap)
}

/// A random memorization `0 <= x <= cap`, sometimes hitting the bounds.
func randomMemorization(_ stats: PopulationStatistics<Double>, using rng: inout some RandomNumberGenerator)
  -> [[Double]]
{
  stats.cap.map { row in
    row.map { c in
      let roll = uniform(0, 1, using: &rng)
      return roll < 0.1 ? 0 : roll < 0.2 ? c : c * uniform(0, 1, using: &rng)
    }
  }
}

/// A random count tensor `n[a][y][yh]`; every group gets at least one record.
func randomCounts(
  groups g: Int, classes k: Int, maxCount: Int, zeroProbability: Double = 0.05,
  using rng: inout some RandomNumberGenerator
) -> [[[Int]]] {
  var n = (0..<g).map { _ in
    (0..<k).map { y in
      (0..<k).map { yh -> Int in
        if uniform(0, 1, using: &rng) < zeroProbability { return 0 }
        // Diagonal-heavy, like a real classifier.
        let top = yh == y ? maxCount : max(1, maxCount / 3)
        return Int.random(in: 0...top, using: &rng)
      }
    }
  }
  for a in 0..<g where n[a].joined().allSatisfy({ $0 == 0 }) { n[a][0][0] = 1 }
  return n
}

/// The JSON object the decoder reads, for counts.
func countsObject(_ n: [[[Int]]], cap: [[Double]]? = nil) -> [String: Any] {
  var object: [String: Any] = [
    "groups": (0..<n.count).map { "g\($0)" }, "classes": (0..<n[0].count).map { "c\($0)" }, "counts": n,
  ]
  if let cap { object["cap"] = cap }
  return object
}

// MARK: - Independent rate computations (spec formulas written out cell by cell)

/// `P(Yhat=yh | A=a)` of the memorizing classifier, from the spec's R1/R2 sums.
func specGroupRates(_ stats: PopulationStatistics<Double>, _ x: [[Double]], group a: Int) -> [Double] {
  let k = stats.classCount
  let pa = stats.population[a].reduce(0, +)
  if let s = stats.unmemorizedPrediction {
    let memorized = x[a].reduce(0, +)
    return (0..<k).map { yh in (x[a][yh] + (pa - memorized) * s[a][yh]) / pa }
  }
  return (0..<k).map { yh in
    var total = 0.0
    for y in 0..<k { total += (y == yh ? x[a][y] : 0) + (stats.population[a][y] - x[a][y]) * stats.confusion[a][y][yh] }
    return total / pa
  }
}

/// `P(Yhat=yh | Y=y, A=a)` from R3 (nil for an empty cell).
func specCellRates(_ stats: PopulationStatistics<Double>, _ x: [[Double]], group a: Int, trueClass y: Int) -> [Double]?
{
  let p = stats.population[a][y]
  guard p > 0 else { return nil }
  return (0..<stats.classCount).map { yh in ((y == yh ? x[a][y] : 0) + (p - x[a][y]) * stats.confusion[a][y][yh]) / p }
}

/// Every metric entry value for every pair (first < second), keyed by a readable key, from the
/// spec formulas. Options pick the favorable class.
func specEntries(
  _ stats: PopulationStatistics<Double>, _ x: [[Double]], metric: FairnessMetric, favorable: Int? = nil
) -> [String: Double] {
  let g = stats.groupCount
  let k = stats.classCount
  var result: [String: Double] = [:]
  let groupRates = (0..<g).map { specGroupRates(stats, x, group: $0) }
  let cellRates = (0..<g).map { a in (0..<k).map { specCellRates(stats, x, group: a, trueClass: $0) } }
  for a in 0..<g {
    for b in (a + 1)..<g {
      switch metric {
      case .statisticalParity:
        for yh in 0..<k where favorable == nil || favorable == yh {
          result["sp \(a)-\(b) \(yh)"] = groupRates[a][yh] - groupRates[b][yh]
        }
      case .equalOpportunity:
        for y in 0..<k where favorable == nil || favorable == y {
          guard let ra = cellRates[a][y], let rb = cellRates[b][y] else { continue }
          result["eopp \(a)-\(b) \(y)"] = ra[y] - rb[y]
        }
      case .equalizedOdds:
        for y in 0..<k {
          guard let ra = cellRates[a][y], let rb = cellRates[b][y] else { continue }
          for yh in 0..<k where favorable == nil || favorable == yh {
            result["eodds \(a)-\(b) \(y) \(yh)"] = ra[yh] - rb[yh]
          }
        }
      default: preconditionFailure("\(metric) is not a gap vector")
      }
    }
  }
  return result
}

/// The key `specEntries` uses for a library entry.
func specKey(_ entry: MetricEntry) -> String {
  switch entry.metric {
  case .statisticalParity: "sp \(entry.first)-\(entry.second) \(entry.rate.predictedClass)"
  case .equalOpportunity: "eopp \(entry.first)-\(entry.second) \(entry.rate.predictedClass)"
  case .equalizedOdds: "eodds \(entry.first)-\(entry.second) \(entry.rate.trueClass!) \(entry.rate.predictedClass)"
  default: "not a gap vector: \(entry.metric)"
  }
}

/// The largest |entry| by the spec formulas.
func specLargestGap(
  _ stats: PopulationStatistics<Double>, _ x: [[Double]], metric: FairnessMetric, favorable: Int? = nil
) -> Double {
  specEntries(stats, x, metric: metric, favorable: favorable).values.reduce(0) { max($0, abs($1)) }
}

/// Total variation distance.
func totalVariation(_ u: [Double], _ v: [Double]) -> Double {
  zip(u, v).reduce(0) { $0 + abs($1.0 - $1.1) } / 2
}

/// A small thread-safe tally for reporting fractions from tests.
final class Tally: @unchecked Sendable {
  private let lock = NSLock()
  private var counts: [String: Int] = [:]
  func add(_ key: String, _ n: Int = 1) {
    lock.lock()
    counts[key, default: 0] += n
    lock.unlock()
  }
  /// Keys starting with a prefix, with counts.
  func entries(prefix: String) -> [(String, Int)] {
    lock.lock()
    defer { lock.unlock() }
    return counts.filter { $0.key.hasPrefix(prefix) }.sorted { $0.value > $1.value }.map { ($0.key, $0.value) }
  }
  subscript(_ key: String) -> Int {
    lock.lock()
    defer { lock.unlock() }
    return counts[key, default: 0]
  }
}

/// `a/b` as a percentage string.
func percent(_ a: Int, _ b: Int) -> String {
  b == 0 ? "n/a" : String(format: "%.1f%%", 100 * Double(a) / Double(b))
}
