public import FairnessStatistics
public import LinearProgramming

/// The integer version on counts: how many individual records per cell must be memorized.
public struct IntegerMemorizationAnswer: Sendable {
  public var metric: FairnessMetric
  public var options: MetricOptions
  public var feasible: Bool
  /// `m[a][y]`, records memorized per cell at the least total (nil when infeasible).
  public var records: [[Int]]?
  /// `Σ m` (nil when infeasible).
  public var totalRecords: Int?
  /// The total number of records N.
  public var populationSize: Int
  /// Largest |entry| at `x = m / N`, recomputed by the mixture rule R0.
  public var residual: Double?
  /// The continuous least mass times N: a lower bound on `totalRecords`.
  public var continuousLowerBound: Double?
}

extension MemorizationAnalysis {
  /// Solves `min Σ m` over integers `0 <= m[a][y] <= floor(N cap[a][y])` subject to every entry
  /// at `x = m/N` within the tolerance, with GLPK's branch and cut (`glp_intopt`).
  ///
  /// With tolerance 0 exact equality is usually impossible with whole records; pass the
  /// tolerance you can accept (for example 1/N).
  public static func integerMinimum(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions
  ) throws(LPFailure) -> IntegerMemorizationAnswer? {
    guard let counts = statistics.counts else { return nil }
    let total = counts.joined().joined().reduce(0, +)
    let program = MemorizationProgram(statistics: statistics, metric: metric, options: options)
    var answer = IntegerMemorizationAnswer(
      metric: metric, options: options, feasible: false, populationSize: total)
    if let relaxed = try program.solveMass(.minimizeMass, options: SimplexOptions(wantsCertificate: false)).solution {
      answer.continuousLowerBound = relaxed.objective * Double(total)
    }
    let outcome = try solve(
      program.linearProgram(.minimizeMass, recordsTotal: total), options: SimplexOptions(wantsCertificate: false))
    guard let solution = outcome.solution else { return answer }
    let m = program.reshape(solution.values.map { Int($0.rounded()) })
    answer.feasible = true
    answer.records = m
    answer.totalRecords = m.joined().reduce(0, +)
    let x = m.map { $0.map { Double($0) / Double(total) } }
    answer.residual = MixtureRule(statistics).largestGap(metric, options: options, memorized: x)
    return answer
  }

  /// The tolerance that whole records can always meet when the continuous problem is feasible:
  /// rounding each `x[a][y]` to the nearest multiple of `1/N` moves entry `e` by at most
  /// `Σ_j |coef_e[j]| / (2N)`, so `max_e Σ_j |coef_e[j]| / (2N)` (over all pairs) suffices.
  /// (`1/N` does not always suffice for SP; see Docs/theory.md.)
  public static func roundingTolerance(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, favorableClass: Int?, records total: Int
  ) -> Double {
    statistics.allEntries(for: metric, options: MetricOptions(favorableClass: favorableClass)).map { entry in
      statistics.entryForm(entry).coefficients.joined().reduce(0) { $0 + abs($1) } / (2 * Double(total))
    }.max() ?? 0
  }
}
