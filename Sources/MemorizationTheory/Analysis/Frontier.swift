public import FairnessStatistics
public import LinearProgramming

/// One point of the mass-vs-bias frontier: the least achievable largest |entry| when at most
/// `budget` probability mass is memorized.
public struct FrontierPoint: Codable, Sendable, Equatable {
  public var budget: Double
  /// `min_x max_e |e(x)|` subject to `Σ x <= budget`, from the LP.
  public var bias: Double
  /// The memorization achieving it.
  public var witness: [[Double]]
  /// The largest |entry| recomputed from the witness by the mixture rule R0.
  public var residual: Double
  /// The memorized mass the witness uses.
  public var mass: Double
}

extension MemorizationAnalysis {
  /// The mass-vs-bias frontier ("how much memorization hides how much bias"): for each budget B,
  /// minimize t subject to `|e(x)| <= t` for every entry over all pairs and `Σ x <= B` (written
  /// with O(G) rows per rate, see `MemorizationProgram.frontierProgram`).
  ///
  /// - Parameter warmStart: solve the budgets on one GLPK problem from the previous basis
  ///   (default: from `frontierWarmStartRows` rows on).
  ///
  /// The frontier is nonincreasing and convex in B (it is the value function of a parametric LP
  /// in its right-hand side); at B = 0 it is the base classifier's largest gap.
  public static func frontier(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, favorableClass: Int?,
    budgets: [Double], warmStart: Bool? = nil
  ) throws(LPFailure) -> [FrontierPoint] {
    let mixture = MixtureRule(statistics)
    let options = MetricOptions(favorableClass: favorableClass)
    let program = MemorizationProgram(statistics: statistics, metric: metric, options: options)
    let lp = MemorizationProgram.frontierProgram(
      statistics: statistics, metric: metric, favorableClass: favorableClass, budget: budgets.first ?? 0)
    let outcomes: [LPOutcome]
    if warmStart ?? (lp.constraints.count >= frontierWarmStartRows) {
      // One program, its budget row moved from point to point: each solve starts from the
      // previous optimal basis (see `solve(_:varyingRow:over:)`).
      outcomes = try solve(
        lp, varyingRow: MemorizationProgram<Double>.frontierBudgetRow, over: budgets.map { .upper($0) })
    } else {
      outcomes = try budgets.map { budget throws(LPFailure) in
        try solve(
          MemorizationProgram.frontierProgram(
            statistics: statistics, metric: metric, favorableClass: favorableClass, budget: budget),
          options: SimplexOptions(wantsCertificate: false))
      }
    }
    var points: [FrontierPoint] = []
    for (budget, outcome) in zip(budgets, outcomes) {
      guard let solution = outcome.solution else {
        preconditionFailure("frontier LP is always feasible (x = 0, t large) and bounded below by 0")
      }
      let values = Array(program.massSolution(solution, from: .cellFractions).values.prefix(program.massVariableCount))
      let witness = program.witness(fromSolverValues: values)
      points.append(
        FrontierPoint(
          budget: budget, bias: solution.objective, witness: witness,
          residual: mixture.largestGap(metric, options: options, memorized: witness),
          mass: witness.joined().reduce(0, +)))
    }
    return points
  }

  /// From this many rows on, `frontier` warm-starts its budgets by default (G = 50, K = 30 has
  /// 90,000 rows for EOdds). Smaller programs are solved cold, one per budget, as before: a warm
  /// start reaches the same optimum, but its last bits of rounding differ (a bias of -2.6e-17
  /// instead of 0), and the recorded outputs of small instances stay byte-identical.
  public static let frontierWarmStartRows = 2_000

  /// `count` evenly spaced budgets from 0 to `upTo` (inclusive).
  public static func evenlySpacedBudgets(upTo limit: Double, count: Int) -> [Double] {
    precondition(count >= 2, "need at least two budgets")
    return (0..<count).map { limit * Double($0) / Double(count - 1) }
  }
}
