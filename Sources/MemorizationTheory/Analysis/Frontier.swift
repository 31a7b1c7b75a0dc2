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
  /// minimize t subject to `|e(x)| <= t` for every entry over all pairs and `Σ x <= B`.
  ///
  /// The frontier is nonincreasing and convex in B (it is the value function of a parametric LP
  /// in its right-hand side); at B = 0 it is the base classifier's largest gap.
  public static func frontier(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, favorableClass: Int?,
    budgets: [Double]
  ) throws(LPFailure) -> [FrontierPoint] {
    let mixture = MixtureRule(statistics)
    var points: [FrontierPoint] = []
    for budget in budgets {
      let (lp, _) = MemorizationProgram.frontierProgram(
        statistics: statistics, metric: metric, favorableClass: favorableClass, budget: budget)
      guard let solution = try solve(lp, options: SimplexOptions(wantsCertificate: false)).solution else {
        preconditionFailure("frontier LP is always feasible (x = 0, t large) and bounded below by 0")
      }
      let program = MemorizationProgram(
        statistics: statistics, metric: metric, options: MetricOptions(favorableClass: favorableClass))
      let values = Array(program.massSolution(solution, from: .cellFractions).values.dropLast())
      let witness = program.witness(fromSolverValues: values)
      points.append(
        FrontierPoint(
          budget: budget, bias: solution.objective, witness: witness,
          residual: mixture.largestGap(
            metric, options: MetricOptions(favorableClass: favorableClass), memorized: witness),
          mass: witness.joined().reduce(0, +)))
    }
    return points
  }

  /// `count` evenly spaced budgets from 0 to `upTo` (inclusive).
  public static func evenlySpacedBudgets(upTo limit: Double, count: Int) -> [Double] {
    precondition(count >= 2, "need at least two budgets")
    return (0..<count).map { limit * Double($0) / Double(count - 1) }
  }
}
