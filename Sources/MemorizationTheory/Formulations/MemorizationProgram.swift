public import FairnessStatistics
public import LinearProgramming

/// The linear programs over memorized masses `x[a][y] = P(D=1, A=a, Y=y)` for one metric.
///
/// Variables: `x[a][y]` at index `a*K + y`, with `0 <= x[a][y] <= cap[a][y]`, then (with a
/// tolerance) one free band variable `t_k` per rate `k` the metric compares.
///
/// Rows (see `Rows`):
/// - `eps = 0`: one row per entry against a reference group (`referenceEntries`),
///   `e(x) = 0`, written `Σ coef_e · x = -c_e`. Zero on these is zero on every pair.
/// - `eps > 0`: "every pair of groups within eps" is `max_a rate_a - min_a rate_a <= eps`, i.e.
///   some `t_k` with `t_k <= rate_a(x) <= t_k + eps` for every group `a` defining rate `k`:
///   `-c_a <= Σ coef_a · x - t_k <= eps - c_a`. That is G rows per rate instead of the
///   G(G-1)/2 pairwise rows `|e(x)| <= eps`, with the same feasible set in x.
/// - `.allPairs` (exact certification only): the pairwise rows `-eps - c_e <= e(x) <= eps - c_e`.
///
/// Every row is a sparse affine form (at most 2K terms). Farkas multipliers of band rows are
/// turned into multipliers of pairwise entries by `pairwiseMultipliers(_:)`, so certificates
/// always speak of metric entries and are checked by `farkasGap(entries:multipliers:)`.
///
/// This type only *builds* `LinearProgram` values; solving happens in `LinearProgramming`.
public struct MemorizationProgram<T: FieldScalar>: Sendable {
  /// Which rows express "every entry within the tolerance" (`MemorizationRows`).
  public typealias Rows = MemorizationRows

  public let statistics: PopulationStatistics<T>
  public let metric: FairnessMetric
  public let options: MetricOptions
  public let rows: Rows
  /// The pairwise entry of each row (`.referencePairs`, `.allPairs`); empty for `.bands`.
  public let entries: [MetricEntry]
  /// The affine form in x of each row, in row order: an entry `e(x)`, or for a band row the
  /// rate `rate_a(x)` (its band variable enters with coefficient -1).
  public let forms: [AffineForm<T>]
  /// The band of each row, as an index into `bandKeys` (`.bands` only), and the group whose rate
  /// the row bounds.
  let rowBands: [(band: Int, group: Int)]
  /// The rate each band variable `t_k` belongs to (`.bands` only), in variable order.
  public let bandKeys: [RateKey]
  /// The rows' labels, in row order: entry labels, or for band rows e.g. `sp[female][>50K] in band`.
  public let rowLabels: [String]
  /// The variable names `x[group][class]`, at `variableIndex(group:class:)`.
  let variableNames: [String]

  /// - Parameter rows: defaults to `.referencePairs` without tolerance and `.bands` with one.
  public init(statistics: PopulationStatistics<T>, metric: FairnessMetric, options: MetricOptions, rows: Rows? = nil) {
    let rows = rows ?? Self.defaultRows(options)
    precondition(rows != .referencePairs || options.tolerance == 0, "reference rows express zero bias only")
    self.statistics = statistics
    self.metric = metric
    self.options = options
    self.rows = rows
    let groups = statistics.groups
    let classes = statistics.classes
    switch rows {
    case .referencePairs, .allPairs:
      let entries =
        rows == .allPairs
        ? statistics.allEntries(for: metric, options: options)
        : statistics.referenceEntries(for: metric, options: options)
      self.entries = entries
      self.forms = entries.map { statistics.entryForm($0) }
      self.rowBands = []
      self.bandKeys = []
    case .bands:
      var forms: [AffineForm<T>] = []
      var rowBands: [(band: Int, group: Int)] = []
      var keys: [RateKey] = []
      for key in statistics.rateKeys(for: metric, options: options) {
        let defined = statistics.groupsDefining(key)
        guard defined.count >= 2 else { continue }
        for a in defined {
          forms.append(statistics.rateForm(key, group: a))
          rowBands.append((keys.count, a))
        }
        keys.append(key)
      }
      self.entries = []
      self.forms = forms
      self.rowBands = rowBands
      self.bandKeys = keys
    }
    self.rowLabels = Self.rowLabels(statistics: statistics, metric: metric, options: options, rows: rows)
    self.variableNames = variableNameMemo.labels(for: [groups, classes]) {
      var names: [String] = []
      names.reserveCapacity(groups.count * classes.count)
      for a in groups.indices {
        for y in classes.indices { names.append("x[\(groups[a])][\(classes[y])]") }
      }
      return names
    }
  }

  /// The labels of the program's rows, in row order, without building the rows: entry labels
  /// (`.referencePairs`, `.allPairs`), or for band rows e.g. `sp[female][>50K] in band`.
  /// - Parameter rows: defaults as in `init`.
  ///
  /// Sweeps ask for the same labels line after line; they are made once per key (`LabelMemo`).
  public static func rowLabels(
    statistics: PopulationStatistics<T>, metric: FairnessMetric, options: MetricOptions, rows: Rows? = nil
  ) -> [String] {
    let rows = rows ?? defaultRows(options)
    return rowLabelMemo.labels(for: RowLabelKey(statistics, metric: metric, options: options, rows: rows)) {
      makeRowLabels(statistics: statistics, metric: metric, options: options, rows: rows)
    }
  }

  /// `rowLabels` without the memo (the tests compare the two).
  static func makeRowLabels(
    statistics: PopulationStatistics<T>, metric: FairnessMetric, options: MetricOptions, rows: Rows
  ) -> [String] {
    let groups = statistics.groups
    let classes = statistics.classes
    switch rows {
    case .referencePairs:
      return statistics.referenceEntries(for: metric, options: options).map {
        $0.label(groups: groups, classes: classes)
      }
    case .allPairs:
      return statistics.allEntries(for: metric, options: options).map { $0.label(groups: groups, classes: classes) }
    case .bands:
      return statistics.rateKeys(for: metric, options: options).flatMap { key in
        let defined = statistics.groupsDefining(key)
        return defined.count >= 2
          ? defined.map { key.label(metric: metric, group: groups[$0], classes: classes) + " in band" } : []
      }
    }
  }

  /// The rows of a program built without asking for any: `.referencePairs` without a tolerance,
  /// `.bands` with one.
  public static func defaultRows(_ options: MetricOptions) -> Rows {
    options.tolerance > 0 ? .bands : .referencePairs
  }

  /// The number of memorized-mass variables `G*K` (band variables follow them).
  public var massVariableCount: Int { statistics.groupCount * statistics.classCount }

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
    for key in bandKeys {
      lp.addVariable("t" + key.label(metric: metric, group: nil, classes: statistics.classes), bounds: .free)
    }
  }

  private func terms(of form: AffineForm<T>, _ variables: Variables) -> [LinearProgram.Term] {
    var result: [LinearProgram.Term] = []
    result.reserveCapacity(form.terms.count + 1)
    for term in form.terms {
      let u = unit(variables, term.group, term.trueClass)
      if u > 0 {
        result.append(.init(variableIndex(group: term.group, class: term.trueClass), term.coefficient.doubleValue * u))
      }
    }
    return result
  }

  /// Maps a solution of a program built with `variables` back to memorized masses: values
  /// `x = u v`, reduced costs `d_x = d_v / u` (0 for empty cells); objective, row activities and
  /// row duals are unchanged by the column scaling.
  public func massSolution(_ solution: LPSolution, from variables: Variables) -> LPSolution {
    let k = statistics.classCount
    let n = massVariableCount
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
    for (i, (label, form)) in zip(rowLabels, forms).enumerated() {
      let c = form.constant.doubleValue
      switch rows {
      case .referencePairs:
        lp.addConstraint(label, terms(of: form, variables), .fixed(-c))
      case .allPairs:
        lp.addConstraint(label, terms(of: form, variables), eps > 0 ? .range(-eps - c, eps - c) : .fixed(-c))
      case .bands:
        let band = massVariableCount + rowBands[i].band
        lp.addConstraint(label, terms(of: form, variables) + [.init(band, -1)], .range(-c, eps - c))
      }
    }
    return lp
  }

  /// The trade-off program for the mass-vs-bias frontier: with budget `Σ x <= budget`,
  /// minimize `s` subject to `|e(x)| <= s` for every entry over all pairs of groups, written
  /// with one free floor variable `l_k` per rate: `l_k <= rate_a(x) <= l_k + s` for every group
  /// `a` defining rate `k` (2G rows per rate; the largest pairwise gap of rate k is
  /// `max_a rate_a - min_a rate_a`). Variables are cell fractions (see `Variables.cellFractions`;
  /// map values back with `massSolution(_:from: .cellFractions)`), then the floors `l_k`, then `s`
  /// (the last one).
  public static func frontierProgram(
    statistics: PopulationStatistics<T>, metric: FairnessMetric, favorableClass: Int?, budget: Double
  ) -> LinearProgram {
    // The band rows of a positive tolerance list the same (rate, group) pairs; the tolerance
    // itself plays no part here.
    let helper = MemorizationProgram(
      statistics: statistics, metric: metric, options: MetricOptions(favorableClass: favorableClass), rows: .bands)
    var lp = LinearProgram(direction: .minimize)
    helper.addVariables(to: &lp, .cellFractions, objectiveSign: 0)
    let s = lp.addVariable("s", bounds: .lower(0), objective: 1)
    let n = helper.massVariableCount
    let k = statistics.classCount
    let massTerms = (0..<n).compactMap { j -> LinearProgram.Term? in
      let u = helper.unit(.cellFractions, j / k, j % k)
      return u > 0 ? LinearProgram.Term(j, u) : nil
    }
    lp.addConstraint("budget", massTerms, .upper(budget))  // row `frontierBudgetRow`
    for (i, form) in helper.forms.enumerated() {
      let c = form.constant.doubleValue
      let floor = n + helper.rowBands[i].band
      let base = helper.terms(of: form, .cellFractions)
      lp.addConstraint("\(helper.rowLabels[i])>=floor", base + [.init(floor, -1)], .lower(-c))
      lp.addConstraint("\(helper.rowLabels[i])<=floor+s", base + [.init(floor, -1), .init(s, -1)], .upper(-c))
    }
    return lp
  }

  /// The index of the budget row `Σ x <= budget` in `frontierProgram` (its first row).
  public static var frontierBudgetRow: Int { 0 }

  /// Pairwise-entry multipliers equivalent to multipliers `y` of this program's rows.
  ///
  /// Pairwise rows are returned as they are. For band rows of rate k, the multipliers `y_a` of
  /// its rows sum to 0 in a certificate (the band variable is free); a greedy transport sends
  /// the positive ones to the negative ones, `z_ab >= 0` with `Σ_b z_ab = y_a` and
  /// `Σ_a z_ab = -y_b`, so that `Σ_ab z_ab (rate_a - rate_b) = Σ_a y_a rate_a` and, row bounds
  /// being `[t, t + eps]` against `[-eps, eps]`, the Farkas gap is the same. (Floating noise in
  /// `Σ_a y_a` is dropped; `farkasGap(entries:multipliers:)` re-checks the result anyway.) At
  /// most `|P| + |N| - 1` entries per rate get a nonzero multiplier. Entries come out with
  /// `first` the group of the positive multiplier.
  public func pairwiseMultipliers(_ y: [Double]) -> (entries: [MetricEntry], multipliers: [Double]) {
    precondition(y.count == forms.count, "one multiplier per row")
    guard rows == .bands else { return (entries, y) }
    var entries: [MetricEntry] = []
    var multipliers: [Double] = []
    var rowsOfBand = Array(repeating: [Int](), count: bandKeys.count)
    for (i, band) in rowBands.enumerated() where y[i] != 0 { rowsOfBand[band.band].append(i) }
    for (b, rows) in rowsOfBand.enumerated() {
      var positive = rows.filter { y[$0] > 0 }.map { (group: rowBands[$0].group, amount: y[$0]) }
      var negative = rows.filter { y[$0] < 0 }.map { (group: rowBands[$0].group, amount: -y[$0]) }
      var p = 0
      var q = 0
      while p < positive.count && q < negative.count {
        let flow = min(positive[p].amount, negative[q].amount)
        entries.append(
          MetricEntry(metric: metric, rate: bandKeys[b], first: positive[p].group, second: negative[q].group))
        multipliers.append(flow)
        positive[p].amount -= flow
        negative[q].amount -= flow
        if positive[p].amount <= 0 { p += 1 }
        if negative[q].amount <= 0 { q += 1 }
      }
    }
    return (entries, multipliers)
  }

  /// A solution of this (band) program as a solution of `pairwise`, the same metric's
  /// `.allPairs` program on the same statistics: the masses and reduced costs carry over, row
  /// activities are recomputed from the entries, row duals come from `pairwiseMultipliers(_:)`.
  public func pairwiseSolution(_ solution: LPSolution, for pairwise: MemorizationProgram) -> LPSolution {
    precondition(pairwise.rows == .allPairs, "the target must be the pairwise program")
    let n = massVariableCount
    let x = reshape(Array(solution.values.prefix(n)).map { T.converting($0) })
    let activities = pairwise.forms.map { ($0.value(at: x) - $0.constant).doubleValue }
    var index: [MetricEntry: Int] = [:]
    for (i, entry) in pairwise.entries.enumerated() { index[entry] = i }
    var duals = Array(repeating: 0.0, count: pairwise.forms.count)
    let (entries, multipliers) = pairwiseMultipliers(solution.rowDuals)
    for (entry, z) in zip(entries, multipliers) {
      // allPairs lists each pair once, lower group index first: `rate_b - rate_a` is `-(rate_a - rate_b)`.
      if let i = index[entry] {
        duals[i] += z
      } else if let i = index[
        MetricEntry(metric: entry.metric, rate: entry.rate, first: entry.second, second: entry.first)]
      {
        duals[i] -= z
      }
    }
    return LPSolution(
      objective: solution.objective, values: Array(solution.values.prefix(n)), rowActivities: activities,
      rowDuals: duals, reducedCosts: Array(solution.reducedCosts.prefix(n)))
  }

  /// The Farkas gap `L(z) - U(z)` of multipliers `z` on pairwise metric entries (rows
  /// `-eps - c_e <= Σ coef_e x <= eps - c_e`), computed from the theory's affine forms in `T`
  /// arithmetic (not from the LP): positive means no x in the box `[0, cap]` keeps every entry
  /// within the tolerance, i.e. zero (eps) bias is impossible.
  ///
  /// With `g = Σ_e z_e coef_e`: `L = Σ_e min(z_e lo_e, z_e hi_e)`, `U = Σ_{a,y} max(0, g[a][y] cap[a][y])`.
  public func farkasGap(entries: [MetricEntry], multipliers z: [T]) -> T {
    Self.farkasGap(statistics: statistics, options: options, entries: entries, multipliers: z)
  }

  /// `farkasGap(entries:multipliers:)` without building the program (it only needs the
  /// statistics and the tolerance): the closed-form route checks its certificates with it.
  public static func farkasGap(
    statistics: PopulationStatistics<T>, options: MetricOptions, entries: [MetricEntry], multipliers z: [T]
  ) -> T {
    precondition(entries.count == z.count, "one multiplier per entry")
    let eps = T.converting(options.tolerance)
    var lower = T.zero
    var g = Array(repeating: Array(repeating: T.zero, count: statistics.classCount), count: statistics.groupCount)
    for (entry, multiplier) in zip(entries, z) where !multiplier.isZero {
      let form = statistics.entryForm(entry)
      let lo = -eps - form.constant
      let hi = eps - form.constant
      lower = lower + min(multiplier * lo, multiplier * hi)
      for term in form.terms {
        g[term.group][term.trueClass] = g[term.group][term.trueClass] + multiplier * term.coefficient
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

/// Which rows of a `MemorizationProgram` express "every entry within the tolerance" (outside the
/// generic type, so that one value serves every scalar type, e.g. as a memo key).
public enum MemorizationRows: Sendable, Hashable {
  /// Each defined group against the first one (tolerance 0 only).
  case referencePairs
  /// One band variable per rate and one row per defined group (the default with a tolerance).
  case bands
  /// One row per pair of groups (O(G²) rows; used for exact certification).
  case allPairs
}
