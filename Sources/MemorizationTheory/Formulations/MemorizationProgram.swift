public import FairnessStatistics
public import LinearProgramming

/// The linear programs over memorized masses `x[a][y] = P(D=1, A=a, Y=y)` for one metric.
///
/// Variables: `x[a][y]` at index `a*K + y`, with `0 <= x[a][y] <= cap[a][y]`.
/// Rows: one per metric entry `e` (a pair of groups and a rate), the affine form of R1-R3:
/// `-eps <= e(x) <= eps`, written as `-eps - c_e <= Σ coef_e · x <= eps - c_e`. With `eps = 0` the
/// entries are taken against a reference group (`referenceEntries`), otherwise for every pair
/// (`allEntries`), so that "every |entry| <= eps" is exactly the feasible set.
///
/// This type only *builds* `LinearProgram` values; solving happens in `LinearProgramming`.
public struct MemorizationProgram<T: FieldScalar>: Sendable {
  public let statistics: PopulationStatistics<T>
  public let metric: FairnessMetric
  public let options: MetricOptions
  /// The entries constrained, in row order.
  public let entries: [MetricEntry]
  /// Their affine forms, in row order.
  public let forms: [AffineForm<T>]
  /// The entries' labels (the row names), in row order.
  public let rowLabels: [String]
  /// The variable names `x[group][class]`, at `variableIndex(group:class:)`.
  let variableNames: [String]

  public init(statistics: PopulationStatistics<T>, metric: FairnessMetric, options: MetricOptions) {
    self.statistics = statistics
    self.metric = metric
    self.options = options
    let entries =
      options.tolerance > 0
      ? statistics.allEntries(for: metric, options: options)
      : statistics.referenceEntries(for: metric, options: options)
    self.entries = entries
    self.forms = entries.map { statistics.entryForm($0) }
    // Built once here: every program built from this value (least and most mass, certificate)
    // reuses the same names.
    self.rowLabels = entries.map { $0.label(groups: statistics.groups, classes: statistics.classes) }
    var names: [String] = []
    names.reserveCapacity(statistics.groupCount * statistics.classCount)
    for a in 0..<statistics.groupCount {
      for y in 0..<statistics.classCount { names.append("x[\(statistics.groups[a])][\(statistics.classes[y])]") }
    }
    self.variableNames = names
  }

  /// What the program optimizes.
  public enum Objective: Sendable {
    /// Any x with zero (or eps) bias.
    case feasibility
    /// The least memorized mass `min Σ x`.
    case minimizeMass
    /// The most memorized mass still at zero bias, `max Σ x`.
    case maximizeMass
  }

  /// Index of variable `x[a][y]`.
  public func variableIndex(group a: Int, class y: Int) -> Int { a * statistics.classCount + y }

  /// Clamps solver output into the box `[0, cap]` (GLPK may return values off a bound by
  /// rounding, e.g. -5e-17) and reshapes it into `x[a][y]`.
  public func witness(fromSolverValues flat: [Double]) -> [[Double]] {
    let k = statistics.classCount
    return (0..<statistics.groupCount).map { a in
      (0..<k).map { y in min(max(flat[a * k + y], 0), statistics.cap[a][y].doubleValue) }
    }
  }

  /// Reshapes a flat solution vector into `x[a][y]`.
  public func reshape<V>(_ flat: [V]) -> [[V]] {
    let k = statistics.classCount
    return (0..<statistics.groupCount).map { Array(flat[($0 * k)..<(($0 + 1) * k)]) }
  }

  /// What the LP's variables measure. Every variable is `v[a][y] = x[a][y] / u[a][y]` for a unit
  /// `u`; row coefficients are multiplied by `u`, bounds divided by it, so the rows stay the
  /// same functions and Farkas multipliers carry over unchanged.
  public enum Variables: Sendable, Equatable {
    /// Memorized probability mass `x[a][y]` (u = 1).
    case mass
    /// Memorized fraction of each cell `rho[a][y] = x[a][y] / p[a][y]` (u = p[a][y]): every row
    /// coefficient is O(1) however small a group or cell is, which keeps GLPK's simplex well
    /// conditioned. The default for solving.
    case cellFractions
    /// Whole records `m[a][y] = N x[a][y]` (u = 1/N), integer variables for GLPK's MIP.
    case records(Int)
  }

  private func unit(_ variables: Variables, _ a: Int, _ y: Int) -> Double {
    switch variables {
    case .mass: 1
    case .cellFractions: statistics.population[a][y].doubleValue
    case .records(let total): 1 / Double(total)
    }
  }

  private func addVariables(to lp: inout LinearProgram, _ variables: Variables, objectiveSign: Double) {
    lp.variables.reserveCapacity(lp.variables.count + variableNames.count)
    for a in 0..<statistics.groupCount {
      for y in 0..<statistics.classCount {
        let name = variableNames[variableIndex(group: a, class: y)]
        let cap = statistics.cap[a][y].doubleValue
        switch variables {
        case .records(let total):
          // `cap * N` is a whole number of records up to rounding (e.g. (15/22) * 22 is
          // 14.999999999999998 in double): snap to the nearest integer before taking the floor,
          // or a record of the cell becomes unavailable.
          let records = cap * Double(total)
          let nearest = records.rounded()
          let upper = abs(records - nearest) <= 1e-9 * max(1, records) ? nearest : records.rounded(.down)
          lp.addVariable(
            name, bounds: upper > 0 ? .range(0, upper) : .fixed(0), objective: objectiveSign, kind: .integer)
        case .mass, .cellFractions:
          let u = unit(variables, a, y)
          let upper = u > 0 ? cap / u : 0
          lp.addVariable(name, bounds: upper > 0 ? .range(0, upper) : .fixed(0), objective: objectiveSign * u)
        }
      }
    }
  }

  private func terms(of form: AffineForm<T>, _ variables: Variables) -> [LinearProgram.Term] {
    var result: [LinearProgram.Term] = []
    for a in 0..<statistics.groupCount {
      for y in 0..<statistics.classCount where !form.coefficients[a][y].isZero {
        let u = unit(variables, a, y)
        if u > 0 { result.append(.init(variableIndex(group: a, class: y), form.coefficients[a][y].doubleValue * u)) }
      }
    }
    return result
  }

  /// Maps a solution of a program built with `variables` back to memorized masses: values
  /// `x = u v`, reduced costs `d_x = d_v / u` (0 for empty cells); objective, row activities and
  /// row duals are unchanged by the column scaling.
  public func massSolution(_ solution: LPSolution, from variables: Variables) -> LPSolution {
    let k = statistics.classCount
    let n = statistics.groupCount * k
    var values = solution.values
    var reduced = solution.reducedCosts
    for j in 0..<min(n, values.count) {
      let u = unit(variables, j / k, j % k)
      values[j] *= u
      if j < reduced.count { reduced[j] = u > 0 ? reduced[j] / u : 0 }
    }
    return LPSolution(
      objective: solution.objective, values: values, rowActivities: solution.rowActivities,
      rowDuals: solution.rowDuals, reducedCosts: reduced)
  }

  /// Builds the program over cell fractions, solves it with GLPK and returns the outcome in
  /// memorized masses (see `Variables.cellFractions` and `massSolution(_:from:)`).
  public func solveMass(_ objective: Objective, options: SimplexOptions) throws(LPFailure) -> LPOutcome {
    let outcome = try solve(linearProgram(objective, variables: .cellFractions), options: options)
    if case .optimal(let solution) = outcome { return .optimal(massSolution(solution, from: .cellFractions)) }
    return outcome
  }

  /// The zero-bias (or eps-bias) program with the given objective.
  ///
  /// - Parameter recordsTotal: when given, variables are integer record counts
  ///   `m[a][y] = N x[a][y]` (with `N = recordsTotal`), bounded by `floor(N cap[a][y])`: the
  ///   integer version "how many records per cell must be memorized" (solved by GLPK's MIP).
  public func linearProgram(_ objective: Objective, recordsTotal: Int? = nil) -> LinearProgram {
    linearProgram(objective, variables: recordsTotal.map { .records($0) } ?? .mass)
  }

  /// The zero-bias (or eps-bias) program with the given objective over the chosen variables.
  public func linearProgram(_ objective: Objective, variables: Variables) -> LinearProgram {
    var lp = LinearProgram(direction: objective == .maximizeMass ? .maximize : .minimize)
    addVariables(to: &lp, variables, objectiveSign: objective == .feasibility ? 0 : 1)
    let eps = options.tolerance
    lp.constraints.reserveCapacity(forms.count)
    for (label, form) in zip(rowLabels, forms) {
      let c = form.constant.doubleValue
      let bounds: LinearProgram.Bounds = eps > 0 ? .range(-eps - c, eps - c) : .fixed(-c)
      lp.addConstraint(label, terms(of: form, variables), bounds)
    }
    return lp
  }

  /// The trade-off program for the mass-vs-bias frontier: with budget `Σ x <= budget`,
  /// minimize `t` subject to `|e(x)| <= t` for every entry over all pairs of groups.
  /// Variables are cell fractions (see `Variables.cellFractions`; map values back with
  /// `massSolution(_:from: .cellFractions)`); `t` is the last one.
  public static func frontierProgram(
    statistics: PopulationStatistics<T>, metric: FairnessMetric, favorableClass: Int?, budget: Double
  ) -> (program: LinearProgram, entries: [MetricEntry]) {
    let options = MetricOptions(favorableClass: favorableClass)
    let entries = statistics.allEntries(for: metric, options: options)
    let helper = MemorizationProgram(statistics: statistics, metric: metric, options: options)
    var lp = LinearProgram(direction: .minimize)
    helper.addVariables(to: &lp, .cellFractions, objectiveSign: 0)
    let t = lp.addVariable("t", bounds: .lower(0), objective: 1)
    let k = statistics.classCount
    let massTerms = (0..<t).compactMap { j -> LinearProgram.Term? in
      let u = helper.unit(.cellFractions, j / k, j % k)
      return u > 0 ? LinearProgram.Term(j, u) : nil
    }
    lp.addConstraint("budget", massTerms, .upper(budget))
    for entry in entries {
      let form = statistics.entryForm(entry)
      let label = entry.label(groups: statistics.groups, classes: statistics.classes)
      let c = form.constant.doubleValue
      let base = helper.terms(of: form, .cellFractions)
      lp.addConstraint("\(label)<=t", base + [.init(t, -1)], .upper(-c))
      lp.addConstraint("\(label)>=-t", base + [.init(t, 1)], .lower(-c))
    }
    return (lp, entries)
  }

  /// The Farkas gap `L(y) - U(y)` of multipliers `y` (one per row) for *this* program's rows,
  /// computed from the theory's affine forms in `T` arithmetic (not from the LP): positive means
  /// no x in the box `[0, cap]` satisfies every row, i.e. zero (eps) bias is impossible.
  ///
  /// For rows `lo_e <= Σ coef_e x <= hi_e` and `g = Σ_e y_e coef_e`:
  /// `L = Σ_e min(y_e lo_e, y_e hi_e)`, `U = Σ_{a,y} max(0, g[a][y] cap[a][y])`.
  public func farkasGap(multipliers y: [T]) -> T {
    precondition(y.count == forms.count, "one multiplier per row")
    let eps = T.converting(options.tolerance)
    var lower = T.zero
    var g = Array(repeating: Array(repeating: T.zero, count: statistics.classCount), count: statistics.groupCount)
    for (form, multiplier) in zip(forms, y) where !multiplier.isZero {
      let lo = -eps - form.constant
      let hi = eps - form.constant
      lower = lower + min(multiplier * lo, multiplier * hi)
      for a in 0..<statistics.groupCount {
        for c in 0..<statistics.classCount { g[a][c] = g[a][c] + multiplier * form.coefficients[a][c] }
      }
    }
    var upper = T.zero
    for a in 0..<statistics.groupCount {
      for c in 0..<statistics.classCount {
        upper = upper + max(T.zero, g[a][c] * statistics.cap[a][c])
      }
    }
    return lower - upper
  }
}
