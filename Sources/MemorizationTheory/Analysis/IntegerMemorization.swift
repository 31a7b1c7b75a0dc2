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
  /// Set when branch and cut stopped at its node limit (`MemorizationAnalysis.integerNodeLimit`): `records`
  /// is then the best whole-record memorization found (checked by R0), not proven least; the
  /// least lies in `[ceil(continuousLowerBound), totalRecords]`. With `feasible == false` it
  /// means undecided (no whole-record memorization found, none ruled out). Nil when the search
  /// finished.
  public var stoppedAtNodes: Int?
}

extension MemorizationAnalysis {
  /// Solves `min Σ m` over integers `0 <= m[a][y] <= floor(N cap[a][y])` subject to every entry
  /// at `x = m/N` within the tolerance, with GLPK's branch and cut (`glp_intopt`); programs of
  /// more than 2,000 coefficients block by block (`solveIntegerByBlocks`: EOpp and EOdds split
  /// by true class, each block with the node limit).
  ///
  /// With tolerance 0 exact equality is usually impossible with whole records; pass the
  /// tolerance you can accept (for example 1/N).
  ///
  /// The search is limited to `nodeLimit` branch-and-bound nodes (default
  /// `integerNodeLimit(nonzeros:)` of the program: 2,000 nodes, fewer for large programs). When it
  /// stops there, the answer is the better of GLPK's best integer point and the rounded LP optimum
  /// (`round(N x)`), whichever R0 confirms within the tolerance, marked `stoppedAtNodes`.
  public static func integerMinimum(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions,
    nodeLimit: Int? = nil
  ) throws(LPFailure) -> IntegerMemorizationAnswer? {
    guard let counts = statistics.counts else { return nil }
    let total = counts.joined().joined().reduce(0, +)
    let program = MemorizationProgram(statistics: statistics, metric: metric, options: options)
    var answer = IntegerMemorizationAnswer(
      metric: metric, options: options, feasible: false, populationSize: total)
    let relaxedSolution = try program.solveMass(.minimizeMass, options: SimplexOptions(wantsCertificate: false))
      .solution
    if let relaxed = relaxedSolution {
      answer.continuousLowerBound = relaxed.objective * Double(total)
    }
    let relaxedValues = relaxedSolution?.values
    let records: [Int]
    let integerProgram = program.linearProgram(.minimizeMass, recordsTotal: total)
    let nonzeros = integerProgram.coefficientCount
    let nodeLimit = nodeLimit ?? integerNodeLimit(nonzeros: nonzeros)
    // Large programs block by block (EOpp and EOdds rows never mix true classes); small ones
    // whole, as before (the same optimum, but possibly another optimal point).
    let outcome =
      isLargeIntegerProgram(nonzeros: nonzeros)
      ? try solveIntegerByBlocks(integerProgram, nodeLimit: nodeLimit, branching: .mostFractional)
      : try solveInteger(integerProgram, nodeLimit: nodeLimit)
    switch outcome {
    case .optimal(let solution):
      records = solution.values.prefix(program.massVariableCount).map { Int($0.rounded()) }
    case .stopped(let best):
      // The best of GLPK's incumbent and the rounded LP optima (at this tolerance and at zero
      // bias, whose rounding `roundingTolerance` bounds), each kept only if R0 confirms it.
      answer.stoppedAtNodes = nodeLimit
      let incumbent = best.map { $0.values.prefix(program.massVariableCount).map { Int($0.rounded()) } }
      let zeroBias = try MemorizationProgram(
        statistics: statistics, metric: metric, options: MetricOptions(favorableClass: options.favorableClass)
      ).solveMass(.minimizeMass, options: SimplexOptions(wantsCertificate: false)).solution
      let candidates =
        [incumbent, relaxedValues.map { roundedRecords($0, program, total) }]
        + [zeroBias.map { roundedRecords($0.values, program, total) }]
      let confirmed = candidates.compactMap { $0 }.filter {
        residual(of: $0, program, total) <= options.tolerance + MemorizationAnswer.witnessTolerance
      }
      guard let least = confirmed.min(by: { $0.reduce(0, +) < $1.reduce(0, +) }) else { return answer }
      records = least
    case .infeasible, .unbounded:
      return answer
    }
    let m = program.reshape(records)
    answer.feasible = true
    answer.records = m
    answer.totalRecords = m.joined().reduce(0, +)
    answer.residual = residual(of: records, program, total)
    return answer
  }

  /// Branch-and-bound nodes the integer version may use (a count, so answers do not depend on
  /// the machine). Small instances finish far below it; at G = 10, K = 10 general-integer branch
  /// and cut can run for minutes, and the answer is then the best found (`stoppedAtNodes`).
  public static let integerNodeLimit = 2_000

  /// The node limit for a program with `nonzeros` constraint coefficients: `integerNodeLimit`,
  /// or fewer nodes when `integerNodeLimit` nodes of this size would exceed `integerWorkBudget`
  /// (node-coefficients), but at least `integerMinimumNodes`. Every node re-solves an LP and
  /// evaluates tableau rows for branching, so a node costs at least in proportion to the
  /// program's size: at G = 50, K = 30 (46,500 coefficients for SP, 90,000 for EOdds) 2,000
  /// nodes took minutes. Programs of up to 2,000 coefficients (G = 10, K = 10 included) keep the
  /// full 2,000 nodes. A count of coefficients, not a time: answers do not depend on the machine.
  public static func integerNodeLimit(nonzeros: Int) -> Int {
    min(integerNodeLimit, max(integerMinimumNodes, integerWorkBudget / max(nonzeros, 1)))
  }

  /// Whether a program of `nonzeros` coefficients is past the size that gets the full
  /// `integerNodeLimit` (more than 2,000): it is then searched block by block with
  /// most-fractional branching.
  public static func isLargeIntegerProgram(nonzeros: Int) -> Bool {
    nonzeros > integerWorkBudget / integerNodeLimit
  }

  /// The work budget of `integerNodeLimit(nonzeros:)`: 2,000 nodes of 2,000 coefficients.
  public static let integerWorkBudget = 4_000_000
  /// The fewest nodes a large program gets.
  public static let integerMinimumNodes = 20

  /// Records per cell (flat) from memorized masses: `round(N x)`, kept within `[0, floor(N cap)]`.
  static func roundedRecords(_ masses: [Double], _ program: MemorizationProgram<Double>, _ total: Int) -> [Int] {
    let caps = program.statistics.cap.joined().map { ($0 * Double(total) + 1e-9).rounded(.down) }
    return zip(masses.prefix(caps.count), caps).map { x, cap in Int(min(max((x * Double(total)).rounded(), 0), cap)) }
  }

  /// The largest |entry| at `x = m / N` by the mixture rule R0 (flat records).
  static func residual(of records: [Int], _ program: MemorizationProgram<Double>, _ total: Int) -> Double {
    let x = program.reshape(records.map { Double($0) / Double(total) })
    return MixtureRule(program.statistics).largestGap(program.metric, options: program.options, memorized: x)
  }

  /// The tolerance that whole records can always meet when the continuous problem is feasible:
  /// rounding each `x[a][y]` to the nearest multiple of `1/N` moves entry `e` by at most
  /// `Σ_j |coef_e[j]| / (2N)`, so `max_e Σ_j |coef_e[j]| / (2N)` (over all pairs) suffices.
  /// (`1/N` does not always suffice for SP; see Docs/theory.md.)
  public static func roundingTolerance(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, favorableClass: Int?, records total: Int
  ) -> Double {
    // An entry's form is rate_a - rate_b with disjoint terms, so Σ_j |coef_e[j]| is
    // S_a + S_b with S_a the rate's own sum: the largest pair is the two largest S_a (O(G) per rate).
    let options = MetricOptions(favorableClass: favorableClass)
    var largest = 0.0
    for key in statistics.rateKeys(for: metric, options: options) {
      let sums = statistics.groupsDefining(key).map { a in
        statistics.rateForm(key, group: a).terms.reduce(0) { $0 + abs($1.coefficient) }
      }.sorted(by: >)
      if sums.count >= 2 { largest = max(largest, (sums[0] + sums[1]) / (2 * Double(total))) }
    }
    return largest
  }
}
