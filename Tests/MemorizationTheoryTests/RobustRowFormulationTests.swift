import FairMemJSON
import FairnessStatistics
import LinearProgramming
import SeededRandom
import Testing
import _TestSupport

@testable import MemorizationTheory

/// The rates `metric` compares for counts `n`, as the analysis derives them.
private func comparedRates(_ n: [[[Int]]], _ metric: FairnessMetric, _ options: MetricOptions) throws -> [RateKey] {
  let object: [String: Any] = [
    "groups": n.indices.map { "g\($0)" }, "classes": n[0].indices.map { "c\($0)" }, "counts": n,
  ]
  let statistics: PopulationStatistics<Double> = try StatisticsDecoder().decode(object: object)
  return statistics.rateKeys(for: metric, options: options)
}

/// A seeded count table with every cell non-empty: `groups` x `classes` x `classes` counts in
/// 1...one of `scales` (large counts give narrow confidence regions, small ones wide).
private func randomCounts(
  groups: ClosedRange<Int>, classes: ClosedRange<Int>, scales: [Int], using rng: inout some RandomNumberGenerator
) -> [[[Int]]] {
  let g = Int.random(in: groups, using: &rng)
  let k = Int.random(in: classes, using: &rng)
  let scale = scales.randomElement(using: &rng) ?? scales[0]
  return (0..<g).map { _ in (0..<k).map { _ in (0..<k).map { _ in Int.random(in: 1...scale, using: &rng) } } }
}

/// The robust answer's two programs written with O(G) rows per entry (a band in the optimistic
/// program, prefix and suffix maxima in the robust program) against the same programs written
/// with one row per pair of groups, the definition: two formulations of one feasible set in the
/// memorization variables, solved independently by GLPK's exact simplex.
@Suite("Robust programs: O(G) rows vs every pair of groups")
struct RobustRowFormulationTests {
  @Test("same feasibility and optima for SP (both conventions), EOpp and EOdds")
  func linearRowsMatchPairs() throws {
    var rng = TestSeed.generator(default: 0x20B5_0009)
    var feasible = (optimistic: 0, robust: 0)
    var infeasible = (optimistic: 0, robust: 0)
    var generatedOutcomes = (feasible: 0, infeasible: 0)
    for i in 0..<120 {
      let n = randomCounts(groups: 3...6, classes: 2...3, scales: [20, 400, 20_000], using: &rng)
      let groups = n.count
      let classes = n[0].count
      let metric = FairnessMetric.allCases[i % 3]
      let conventionA = metric == .statisticalParity && i % 2 == 0
      let unmemorized: [[Double]]? =
        conventionA
        ? (0..<groups).map { _ in
          let raw = (0..<classes).map { _ in Double.random(in: 0.05...1, using: &rng) }
          let total = raw.reduce(0, +)
          return raw.map { $0 / total }
        } : nil
      let tolerance = [0.0, 0.01, 0.05, 0.2].randomElement(using: &rng) ?? 0.05
      let options = MetricOptions(tolerance: tolerance)
      let keys = try comparedRates(n, metric, options)
      let region = try ConfidenceRegion.build(
        counts: n, metric: metric, keys: keys, level: 0.95, givenUnmemorized: unmemorized != nil)
      var linear = RobustPrograms(
        region: region, metric: metric, keys: keys, tolerance: tolerance, groups: groups, classes: classes,
        unmemorized: unmemorized)
      var pairs = linear
      linear.pairRows = .linear
      pairs.pairRows = .allPairs
      let label = "instance \(i) \(metric) G=\(groups) K=\(classes) eps=\(tolerance) A=\(conventionA)"
      let exact = SimplexOptions(method: .exact, wantsCertificate: false)
      for (name, a, b) in [
        ("optimistic", linear.optimisticProgram().0, pairs.optimisticProgram().0),
        ("robust", linear.robustProgram().0, pairs.robustProgram().0),
      ] {
        let x = try solve(a, options: exact)
        let y = try solve(b, options: exact)
        switch (x, y) {
        case (.optimal(let p), .optimal(let q)):
          #expect(abs(p.objective - q.objective) <= 1e-9, "\(label) \(name): \(p.objective) vs \(q.objective)")
          if name == "robust" { feasible.robust += 1 } else { feasible.optimistic += 1 }
        case (.infeasible, .infeasible):
          if name == "robust" { infeasible.robust += 1 } else { infeasible.optimistic += 1 }
        default:
          Issue.record("\(label) \(name): \(x) vs \(y)")
        }
      }
      // The robust program with generated rows (cell metrics: pair rows; SP: cuts at base-rate
      // vertices), floating dual simplex rounds.
      var generated = linear
      generated.pairRows = .generated
      let lazy = try generated.solveRobustProgram(options: exact)
      switch (lazy, try solve(pairs.robustProgram().0, options: exact)) {
      case (.some(let p), .optimal(let q)):
        #expect(
          abs(p.solution.objective - q.objective) <= 1e-7,
          "\(label) generated: \(p.solution.objective) vs \(q.objective)")
        generatedOutcomes.feasible += 1
      case (.none, .infeasible):
        generatedOutcomes.infeasible += 1
      case (let p, let q):
        Issue.record("\(label) generated: \(String(describing: p?.solution.objective)) vs \(q)")
      }
    }
    // Both outcomes of both programs occur, so the comparison is not vacuous.
    #expect(feasible.optimistic > 0 && infeasible.optimistic > 0, "\(feasible) \(infeasible)")
    #expect(feasible.robust > 0 && infeasible.robust > 0, "\(feasible) \(infeasible)")
    #expect(generatedOutcomes.feasible > 30 && generatedOutcomes.infeasible > 0, "\(generatedOutcomes)")
  }

  /// The robust program with the memorization fixed is feasible exactly when the direct
  /// worst case over the region (corners of the rate intervals; SP: greedy maximum and minimum
  /// over the base-rate box with the simplex) is within eps: the dual bounds are exact (strong
  /// duality), not only sound, and the prefix/suffix rows lose no pair.
  @Test("robust program with a fixed memorization: feasible iff the direct worst case is within eps")
  func robustRowsAreExact() throws {
    var rng = TestSeed.generator(default: 0x20B5_0010)
    var outcomes = (feasible: 0, infeasible: 0)
    for i in 0..<150 {
      let n = randomCounts(groups: 2...5, classes: 2...3, scales: [50, 2_000, 100_000], using: &rng)
      let groups = n.count
      let classes = n[0].count
      let metric = FairnessMetric.allCases[i % 3]
      let tolerance = [0.02, 0.1, 0.3].randomElement(using: &rng) ?? 0.1
      let options = MetricOptions(tolerance: tolerance)
      let keys = try comparedRates(n, metric, options)
      let region = try ConfidenceRegion.build(counts: n, metric: metric, keys: keys, level: 0.95)
      var programs = RobustPrograms(
        region: region, metric: metric, keys: keys, tolerance: tolerance, groups: groups, classes: classes,
        unmemorized: nil)
      programs.pairRows = .linear
      var (lp, layout) = programs.robustProgram()
      // Small unmemorized fractions (much memorized) are often feasible, large ones rarely.
      let reach: Double = [0.05, 0.2, 1.0].randomElement(using: &rng) ?? 1
      let t = (0..<groups).map { _ in (0..<classes).map { _ in Double.random(in: 0...reach, using: &rng) } }
      for a in 0..<groups {
        for y in 0..<classes { if let v = layout.t[a][y] { lp.variables[v].bounds = .fixed(t[a][y]) } }
      }
      let gap = programs.worstCaseGap(unmemorized: t)
      guard abs(gap - tolerance) > 1e-6 else { continue }
      let outcome = try solve(lp, options: SimplexOptions(method: .exact, wantsCertificate: false))
      let label = "instance \(i) \(metric) G=\(groups) K=\(classes) eps=\(tolerance) gap=\(gap)"
      switch outcome {
      case .optimal:
        #expect(gap <= tolerance, "\(label)")
        outcomes.feasible += 1
      case .infeasible:
        #expect(gap > tolerance, "\(label)")
        outcomes.infeasible += 1
      case .unbounded:
        Issue.record("\(label): unbounded")
      }
    }
    #expect(outcomes.feasible > 10 && outcomes.infeasible > 10, "\(outcomes)")
  }

  /// At G = 50, K = 30 the linear rows keep the robust program small (the pairwise one had
  /// 2,450 rows per entry).
  @Test("rows grow linearly in the number of groups")
  func rowCount() throws {
    for groups in [10, 40] {
      let n = (0..<groups).map { a in (0..<3).map { y in (0..<3).map { 10 + 7 * a + 3 * y + $0 } } }
      let options = MetricOptions(tolerance: 0.05)
      let keys = try comparedRates(n, .equalizedOdds, options)
      let region = try ConfidenceRegion.build(counts: n, metric: .equalizedOdds, keys: keys, level: 0.95)
      var programs = RobustPrograms(
        region: region, metric: .equalizedOdds, keys: keys, tolerance: 0.05, groups: groups, classes: 3,
        unmemorized: nil)
      programs.pairRows = .linear
      #expect(programs.robustProgram().0.constraints.count <= keys.count * 6 * groups + 3 * groups)
      #expect(programs.optimisticProgram().0.constraints.count <= keys.count * 3 * groups + 9 * groups)
    }
  }
}
