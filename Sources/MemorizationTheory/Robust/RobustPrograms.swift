import FairnessStatistics
import LinearProgramming

/// The two linear programs behind a robust verdict, in the *unmemorized fractions*
/// `t[a][y] = 1 - f[a][y]` (f = x / p[a][y], the memorized fraction of a cell).
///
/// With `t`, a memorized classifier's cell rate is `δ(y,yh) + t (C[a][y][yh] - δ(y,yh))`, linear in
/// `t` for a fixed confusion rate, and its group rate is
/// `Σ_y pi[a][y] (δ(y,yh) (1 - t[a][y]) + t[a][y] C[a][y][yh])`.
///
/// - **Optimistic program** ("for *some* parameters in the region, *some* memorization"): the
///   products are lifted to new variables, `v = t w` for a cell rate's movable part
///   `w in [wL, wU]` (so `t wL <= v <= t wU`), and for SP `z = pi (1 - t)`, `s = pi t`,
///   `u = s C` (`piL <= z + s <= piU`, `Σ_y (z + s) = 1`, `CL s <= u <= CU s`). For t > 0 (or s > 0)
///   the lifted point divides back into parameters inside the box, and at t = 0 every product is 0
///   whatever the parameter, so the lift is *exact*: the program is feasible iff some parameters
///   in the region admit some memorization. Infeasible means certainly infeasible (its Farkas
///   certificate is checked). Its least objective, the memorized mass with cell masses at their
///   lower ends (`Σ pL (1 - t)`, SP: `Σ_a PL[a] Σ_y z[a][y]`), is a lower bound of the least
///   memorized mass of every population in the region.
/// - **Robust program** ("*one* memorization that works for *every* parameter in the region"):
///   every entry's largest and smallest value over the region must lie in `[-eps, eps]`. For cell
///   rates these are `t_a wU_a - t_b wL_b` and `t_a wL_a - t_b wU_b` (t >= 0). For SP group rates
///   the largest value over the base rates (a box intersected with the simplex) is a small LP in
///   `pi`, replaced by its dual (`λ + μ·piU - ν·piL` with `λ + μ_y - ν_y = coefficient_y(t)`,
///   linear in t), so "the dual bound is within eps" is linear too; weak duality makes it a sound
///   sufficient condition and strong duality makes it exact. Feasible means certainly feasible:
///   the witness is checked by computing each rate's extremes over the region directly. Its
///   objective is the dual bound of the largest memorized mass `Σ p (1 - t)` over cell masses in
///   their box with `Σ p <= 1`: a valid upper end of the least mass over the region.
///
/// "For every population some memorization" (∀∃) sits between the two: the robust program is a
/// sufficient condition for it (the same memorization for all), so an `undetermined` verdict may
/// hide a true ∀∃ answer.
///
/// **Conventions.** Cell rates (EOpp, EOdds) are the same in both. An SP group rate in
/// convention B is `Σ_y pi[a][y] (δ(y,yh) f + (1 - f) C[a][y][yh])`; in convention A the
/// unmemorized part of group a predicts with the given law `s[a]` whatever its labels, so
/// `(x[a][yh] + (p[a] - Σ_y x[a][y]) s[a][yh]) / p[a] = Σ_y pi[a][y] (δ(y,yh) f + (1 - f) s[a][yh])`:
/// convention B with every row `C[a][y]` replaced by `s[a]`. `s` is a stated law of the
/// unmemorized classifier, not estimated from the counts, so it enters as a point (an interval of
/// width 0) and only the products `pi · f` remain uncertain; the lifts below are exact for them.
struct RobustPrograms {
  let region: ConfidenceRegion
  let metric: FairnessMetric
  let keys: [RateKey]
  var tolerance: Double
  let groups: Int
  let classes: Int
  /// Convention A: `s[a][yh] = P(Yhat=yh | A=a, D=0)` (nil: convention B).
  let unmemorized: [[Double]]?
  /// How "every pair of groups within eps" is written (`.generated` unless a test asks otherwise).
  var pairRows: PairRows = .generated
  /// Solve the optimistic SP program by group columns (`usesGroupColumns`); nil: by size.
  var groupColumns: Bool? = nil

  /// The ways of writing the pairwise conditions; all describe the same feasible set in the
  /// original variables (the extra variables are projected out), so verdicts and optima agree.
  enum PairRows {
    /// O(G) rows per entry: a free band variable `c` with `c <= rate_a <= c + eps` in the
    /// optimistic program; prefix and suffix maxima `P_k >= upper_a (a <= k)`,
    /// `S_k >= upper_a (a >= k)` with `P_{b-1} - lower_b <= eps` and `S_{b+1} - lower_b <= eps` in
    /// the robust program (a group is never compared with itself).
    case linear
    /// One row per (ordered) pair of groups: the definition, kept as the reference the tests
    /// compare `.linear` against.
    case allPairs
    /// As `.linear`, except in the robust program (`solveRobustProgram`): a cell metric's pair
    /// rows are generated lazily (only the few that bind are ever written), and SP's group-rate
    /// bounds are cuts at base-rate vertices instead of a dual row per class.
    case generated
  }

  // MARK: Parameter ends

  /// The movable part `w = C[a][y][yh] - δ(y,yh)` of a cell rate, as an interval.
  func movableInterval(group a: Int, key: RateKey) -> (lower: Double, upper: Double) {
    guard let y = key.trueClass, let rate = region.confusion[a][y][key.predictedClass] else {
      preconditionFailure("cell rate outside the region")
    }
    let shift = y == key.predictedClass ? 1.0 : 0.0
    return (rate.lower - shift, rate.upper - shift)
  }

  /// The rate at which the unmemorized part of cell (a, y) predicts `yh`, as an interval: the
  /// confusion rate's interval, or for SP in convention A the given `s[a][yh]` (width 0). Nil
  /// when the metric does not use it.
  func unmemorizedRate(_ a: Int, _ y: Int, _ yh: Int) -> (lower: Double, upper: Double)? {
    if metric == .statisticalParity, let s = unmemorized { return (s[a][yh], s[a][yh]) }
    return region.confusion[a][y][yh].map { ($0.lower, $0.upper) }
  }

  func confusionEnds(_ a: Int, _ y: Int, _ yh: Int) -> (lower: Double, upper: Double) {
    guard let rate = unmemorizedRate(a, y, yh) else { preconditionFailure("confusion rate outside the region") }
    return rate
  }

  var usedCells: [(a: Int, y: Int)] {
    (0..<groups).flatMap { a in (0..<classes).compactMap { y in region.cellMass[a][y] == nil ? nil : (a, y) } }
  }

  /// Pairs constrained by the entries: against the first group for exact zero, every pair with a
  /// tolerance (as `MemorizationProgram` does).
  var entryPairs: [(Int, Int)] {
    tolerance > 0
      ? (0..<groups).flatMap { a in ((a + 1)..<groups).map { (a, $0) } } : (1..<groups).map { (0, $0) }
  }

  func entryBounds() -> LinearProgram.Bounds { tolerance > 0 ? .range(-tolerance, tolerance) : .fixed(0) }

  // MARK: Optimistic program

  /// Variable layout of the optimistic program.
  struct OptimisticLayout {
    /// Cell metrics: `t[a][y]`; SP: nil.
    var t: [[Int?]] = []
    /// Cell metrics: `v[key][a]` (`v = t w`).
    var v: [[LiftedProduct]] = []
    /// SP: `z[a][y]`, `s[a][y]`, `u[a][y][yh]` (`u = s C`).
    var z: [[Int]] = []
    var s: [[Int]] = []
    var u: [[[LiftedProduct?]]] = []
  }

  /// A lifted product `x c` of a variable `x >= 0` and a parameter `c` in `[cL, cU]`, written
  /// `cL x + d` with `0 <= d <= (cU - cL) x`: one row instead of the two of
  /// `cL x <= product <= cU x`, and none when the interval has width 0.
  struct LiftedProduct {
    /// `d`, the part above `cL x`.
    var excess: Int
    var lower: Double
    /// `x`.
    var base: Int

    /// The product as terms of a row.
    var terms: [LinearProgram.Term] { [.init(excess, 1), .init(base, lower)] }
  }

  private func addLiftedProduct(
    to lp: inout LinearProgram, _ name: String, base: Int, _ interval: (lower: Double, upper: Double)
  ) -> LiftedProduct {
    let width = max(interval.upper - interval.lower, 0)
    let excess = lp.addVariable(name, bounds: width > 0 ? .range(0, width) : .fixed(0))
    if width > 0 { lp.addConstraint("\(name)<=width*x", [.init(excess, 1), .init(base, -width)], .upper(0)) }
    return LiftedProduct(excess: excess, lower: interval.lower, base: base)
  }

  /// Terms with one entry per variable (coefficients of repeated variables added).
  private func merged(_ terms: [LinearProgram.Term]) -> [LinearProgram.Term] {
    var position: [Int: Int] = [:]
    var result: [LinearProgram.Term] = []
    for term in terms {
      if let k = position[term.variable] {
        result[k].coefficient += term.coefficient
      } else {
        position[term.variable] = result.count
        result.append(term)
      }
    }
    return result
  }

  func optimisticProgram() -> (LinearProgram, OptimisticLayout) {
    metric == .statisticalParity ? optimisticGroupProgram() : optimisticCellProgram()
  }

  private func optimisticCellProgram() -> (LinearProgram, OptimisticLayout) {
    var lp = LinearProgram(direction: .minimize)
    var layout = OptimisticLayout()
    layout.t = Array(repeating: Array(repeating: nil, count: classes), count: groups)
    var constant = 0.0
    for (a, y) in usedCells {
      let lower = region.cellMass[a][y]?.lower ?? 0
      constant += lower
      layout.t[a][y] = lp.addVariable("t[\(a)][\(y)]", bounds: .range(0, 1), objective: -lower)
    }
    lp.objectiveConstant = constant
    for (j, key) in keys.enumerated() {
      var row: [LiftedProduct] = []
      for a in 0..<groups {
        guard let y = key.trueClass, let t = layout.t[a][y] else { preconditionFailure("cell key without cell") }
        row.append(addLiftedProduct(to: &lp, "v[\(a)][\(j)]", base: t, movableInterval(group: a, key: key)))
      }
      layout.v.append(row)
    }
    // A confusion row sums to 1, so the movable parts of a fully compared row sum to 0.
    for y in 0..<classes {
      let row = keys.indices.filter { keys[$0].trueClass == y }
      guard row.count == classes else { continue }
      for a in 0..<groups {
        lp.addConstraint("row[\(a)][\(y)]", merged(row.flatMap { layout.v[$0][a].terms }), .fixed(0))
      }
    }
    for j in keys.indices {
      addEntryRows(to: &lp, entry: "\(j)", rates: (0..<groups).map { layout.v[j][$0].terms })
    }
    return (lp, layout)
  }

  /// "Every pair of groups within eps" for one entry whose group rates are the affine forms
  /// `rates[a]` (the same constant in every group, so it cancels): against the first group with
  /// exact zero, otherwise a band (`.linear`) or every pair (`.allPairs`).
  private func addEntryRows(to lp: inout LinearProgram, entry: String, rates: [[LinearProgram.Term]]) {
    func difference(_ a: Int, _ b: Int) -> [LinearProgram.Term] { rates[a] + negated(rates[b]) }
    guard tolerance > 0, pairRows != .allPairs else {
      for (a, b) in entryPairs { lp.addConstraint("entry[\(entry)][\(a),\(b)]", difference(a, b), entryBounds()) }
      return
    }
    let band = lp.addVariable("band[\(entry)]", bounds: .free)
    for a in 0..<groups {
      lp.addConstraint("entry[\(entry)][\(a)] in band", rates[a] + [.init(band, -1)], .range(0, tolerance))
    }
  }

  private func optimisticGroupProgram() -> (LinearProgram, OptimisticLayout) {
    guard let baseRate = region.baseRate else { preconditionFailure("SP region without base rates") }
    var lp = LinearProgram(direction: .minimize)
    var layout = OptimisticLayout()
    for a in 0..<groups {
      let groupLower = (0..<classes).reduce(0.0) { $0 + (region.cellMass[a][$1]?.lower ?? 0) }
      var zRow: [Int] = []
      var sRow: [Int] = []
      var uRow: [[LiftedProduct?]] = []
      for y in 0..<classes {
        let z = lp.addVariable("z[\(a)][\(y)]", bounds: .range(0, 1), objective: groupLower)
        let s = lp.addVariable("s[\(a)][\(y)]", bounds: .range(0, 1))
        lp.addConstraint(
          "pi[\(a)][\(y)]", [.init(z, 1), .init(s, 1)], .range(baseRate[a][y].lower, baseRate[a][y].upper))
        var uCells: [LiftedProduct?] = Array(repeating: nil, count: classes)
        for yh in 0..<classes {
          guard let c = unmemorizedRate(a, y, yh) else { continue }
          uCells[yh] = addLiftedProduct(to: &lp, "u[\(a)][\(y)][\(yh)]", base: s, c)
        }
        // (Convention A: u = s[a] · s_var exactly, so the row sum holds by itself.)
        if unmemorized == nil, uCells.allSatisfy({ $0 != nil }) {
          lp.addConstraint(
            "row[\(a)][\(y)]", merged(uCells.compactMap { $0 }.flatMap(\.terms) + [.init(s, -1)]), .fixed(0))
        }
        zRow.append(z)
        sRow.append(s)
        uRow.append(uCells)
      }
      lp.addConstraint("simplex[\(a)]", (zRow + sRow).map { .init($0, 1) }, .fixed(1))
      layout.z.append(zRow)
      layout.s.append(sRow)
      layout.u.append(uRow)
    }
    for key in keys {
      let yh = key.predictedClass
      // Group a's rate of yh: z[a][yh] + Σ_y u[a][y][yh].
      func rate(_ a: Int) -> [LinearProgram.Term] {
        merged([.init(layout.z[a][yh], 1)] + (0..<classes).compactMap { y in layout.u[a][y][yh] }.flatMap(\.terms))
      }
      addEntryRows(to: &lp, entry: "\(yh)", rates: (0..<groups).map(rate))
    }
    return (lp, layout)
  }

  // MARK: Robust program

  /// Variable layout of the robust program: `t[a][y]` (nil for cells not memorized) and the
  /// mass-bound dual variables.
  struct RobustLayout {
    var t: [[Int?]] = []
    /// SP with generated bounds: `groupBounds[key][a][0]` bounds group a's largest rate over
    /// the region, `[1]` minus its smallest.
    var groupBounds: [[[Int]]] = []
  }

  /// The robust program. For cell metrics with `pairRows == .generated` it starts without
  /// worst-case rows (`solveRobustProgram` generates them); otherwise every pair is constrained,
  /// as `pairRows` says.
  func robustProgram() -> (LinearProgram, RobustLayout) {
    var lp = LinearProgram(direction: .minimize)
    var layout = RobustLayout(t: Array(repeating: Array(repeating: nil, count: classes), count: groups))
    for (a, y) in usedCells { layout.t[a][y] = lp.addVariable("t[\(a)][\(y)]", bounds: .range(0, 1)) }
    if metric == .statisticalParity, pairRows == .generated {
      layout.groupBounds = keys.map { key in
        (0..<groups).map { a in
          ["up", "down"].map { lp.addVariable("\($0).bound[\(a)][\(key.predictedClass)]", bounds: .free) }
        }
      }
    }
    if metric == .statisticalParity {
      addRobustGroupRows(to: &lp, layout)
    } else if pairRows != .generated {
      // max over the region of rate_a - rate_b = t_a wU_a - t_b wL_b <= eps (t >= 0).
      for (j, key) in keys.enumerated() {
        let t = (0..<groups).map { cellVariable(layout, group: $0, key: key) }
        let w = (0..<groups).map { movableInterval(group: $0, key: key) }
        addWorstCaseRows(
          to: &lp, entry: "\(j)", upper: (0..<groups).map { BoundForm(terms: [.init(t[$0], w[$0].upper)]) },
          negatedLower: (0..<groups).map { BoundForm(terms: [.init(t[$0], -w[$0].lower)]) })
      }
    }
    // Dual bound of max Σ_i (1 - t_i) p_i over pL <= p <= pU, Σ p <= 1:
    // λ + Σ μ_i pU_i - Σ ν_i pL_i with λ + μ_i - ν_i + t_i = 1, λ, μ, ν >= 0.
    let lambda = lp.addVariable("mass.lambda", bounds: .lower(0), objective: 1)
    for (a, y) in usedCells {
      guard let interval = region.cellMass[a][y], let t = layout.t[a][y] else { continue }
      let mu = lp.addVariable("mass.mu[\(a)][\(y)]", bounds: .lower(0), objective: interval.upper)
      let nu = lp.addVariable("mass.nu[\(a)][\(y)]", bounds: .lower(0), objective: -interval.lower)
      lp.addConstraint(
        "mass.dual[\(a)][\(y)]", [.init(lambda, 1), .init(mu, 1), .init(nu, -1), .init(t, 1)], .fixed(1))
    }
    return (lp, layout)
  }

  /// `t[a][y]` of a cell key's true class.
  private func cellVariable(_ layout: RobustLayout, group a: Int, key: RateKey) -> Int {
    guard let y = key.trueClass, let t = layout.t[a][y] else { preconditionFailure("cell key without cell") }
    return t
  }

  /// An ordered pair of distinct groups: the worst-case row `t_a wU_a - t_b wL_b <= eps`.
  struct GroupPair: Hashable {
    var a: Int
    var b: Int
  }

  /// Solves the robust program; nil when it is infeasible.
  ///
  /// For cell metrics with `pairRows == .generated` the worst-case rows
  /// `t_a wU_a - t_b wL_b <= eps` are generated (`solveWithRowGeneration`): start with none and
  /// after each solve add, for every key, the most violated row (`violatedPair`); stop when no
  /// row is violated by more than `generationSlack`. The answer is the full program's (every
  /// round is a relaxation of it); only the rows that bind, about one per key and group that
  /// memorizes, are ever written, instead of ~6G per key.
  func solveRobustProgram(options: SimplexOptions) throws -> (solution: LPSolution, layout: RobustLayout)? {
    let (lp, layout) = robustProgram()
    guard pairRows == .generated else {
      guard case .optimal(let solution) = try solve(lp, options: options) else { return nil }
      return (solution, layout)
    }
    if metric == .statisticalParity { return try solveGeneratedGroupProgram(lp, layout, options: options) }
    var present = Array(repeating: Set<GroupPair>(), count: keys.count)
    let (outcome, _) = try solveWithRowGeneration(lp, options: options) { values in
      let t = layout.t.map { row in row.map { $0.map { values[$0] } ?? 1 } }
      var rows: [LinearProgram.Constraint] = []
      for (j, key) in keys.enumerated() {
        guard let pair = violatedPair(key: key, unmemorized: t), present[j].insert(pair).inserted else { continue }
        let ta = cellVariable(layout, group: pair.a, key: key)
        let tb = cellVariable(layout, group: pair.b, key: key)
        rows.append(
          .init(
            name: "worst[\(j)][\(pair.a),\(pair.b)]",
            terms: [
              .init(ta, movableInterval(group: pair.a, key: key).upper),
              .init(tb, -movableInterval(group: pair.b, key: key).lower),
            ], bounds: .upper(tolerance)))
      }
      return rows
    }
    guard case .optimal(let solution) = outcome else { return nil }
    return (solution, layout)
  }

  /// SP: the robust program with its group-rate bounds generated as cuts: after each solve, for
  /// every compared class, group and side whose bound `B` lies below the greedy maximum over the
  /// base-rate box at the current t by more than `generationSlack`, add the cut at the maximizing
  /// vertex. The bounds are then exact at the final t (the maximum over the polytope is attained
  /// at a vertex), so the program answers as the dual formulation (`.linear`) does.
  private func solveGeneratedGroupProgram(
    _ lp: LinearProgram, _ layout: RobustLayout, options: SimplexOptions
  ) throws -> (solution: LPSolution, layout: RobustLayout)? {
    var present = Array(repeating: Set<[Double]>(), count: keys.count * groups * 2)
    let (outcome, _) = try solveWithRowGeneration(lp, options: options) { values in
      var rows: [LinearProgram.Constraint] = []
      for (j, key) in keys.enumerated() {
        for a in 0..<groups {
          for (s, side) in [1.0, -1.0].enumerated() {
            let bound = layout.groupBounds[j][a][s]
            guard
              let (value, vertex) = groupRateMaximizer(
                key: key, group: a, side: side,
                unmemorized: { y in layout.t[a][y].map { values[$0] } ?? 1 }),
              value - values[bound] > Self.generationSlack,
              present[(j * groups + a) * 2 + s].insert(vertex).inserted
            else { continue }
            rows.append(groupBoundCut(key: key, group: a, side: side, vertex: vertex, bound: bound, layout))
          }
        }
      }
      return rows
    }
    guard case .optimal(let solution) = outcome else { return nil }
    return (solution, layout)
  }

  /// How far beyond eps a worst-case row must be violated to be generated.
  static let generationSlack = 1e-9

  /// A cell key's most violated worst-case row at `t`, if it exceeds eps by more than
  /// `generationSlack`: the group a with the largest `t_a wU_a - min_{b != a} t_b wL_b`, against
  /// that b.
  func violatedPair(key: RateKey, unmemorized t: [[Double]]) -> GroupPair? {
    guard let y = key.trueClass, groups > 1 else { return nil }
    let w = (0..<groups).map { movableInterval(group: $0, key: key) }
    let lower = (0..<groups).map { t[$0][y] * w[$0].lower }
    // The smallest and second smallest lower ends.
    let (first, second) = twoBest(count: groups) { lower[$0] < lower[$1] }
    var worst: (pair: GroupPair, excess: Double)? = nil
    for a in 0..<groups {
      let b = a == first ? second : first
      let excess = t[a][y] * w[a].upper - lower[b] - tolerance
      if excess > Self.generationSlack, excess > worst?.excess ?? -.infinity { worst = (GroupPair(a: a, b: b), excess) }
    }
    return worst?.pair
  }

  /// `-Σ terms`, term by term.
  private func negated(_ terms: [LinearProgram.Term]) -> [LinearProgram.Term] {
    terms.map { .init($0.variable, -$0.coefficient) }
  }

  /// An affine bound `Σ terms + constant` of a group's extreme rate over the region.
  struct BoundForm {
    var terms: [LinearProgram.Term]
    var constant = 0.0
  }

  /// SP: for every group a and compared class yh, dual variables bounding the largest
  /// (`+`) and the negated smallest (`-`) group rate over the region; each ordered pair (a, b)
  /// needs `upper_a + negatedLower_b <= eps`.
  ///
  /// The largest `Σ_y π_y c_y(t)` over `πL <= π <= πU`, `Σ π = 1` (`c_y(t) = δ + t (CU - δ)`;
  /// the smallest is minus the largest of `-δ - t (CL - δ)`) equals its dual
  /// `min λ + Σ πU_y (c_y - λ)+ - Σ πL_y (λ - c_y)+`. With `(λ - c)+ = (c - λ)+ - (c - λ)` this
  /// is `λ (1 - Σ πL) + Σ (πU_y - πL_y) μ_y + Σ πL_y c_y(t)` over `μ_y >= c_y(t) - λ`,
  /// `μ_y >= 0`: one variable and one inequality per class (the objective grows with μ because
  /// `Σ πL <= 1` and `πL <= πU`, so μ sits at `(c - λ)+`). Any feasible (λ, μ) gives an upper
  /// bound (sound) and the least one the maximum (exact).
  private func addRobustGroupRows(to lp: inout LinearProgram, _ layout: RobustLayout) {
    guard pairRows != .generated else {
      addGeneratedGroupBounds(to: &lp, layout)
      return
    }
    guard let baseRate = region.baseRate else { preconditionFailure("SP region without base rates") }
    for key in keys {
      let yh = key.predictedClass
      var upper: [BoundForm] = []
      var negatedLower: [BoundForm] = []
      for a in 0..<groups {
        let lowerSum = baseRate[a].reduce(0.0) { $0 + $1.lower }
        for side in [1.0, -1.0] {
          let name = side > 0 ? "up" : "down"
          let lambda = lp.addVariable("\(name).lambda[\(a)][\(yh)]", bounds: .free)
          var bound = BoundForm(terms: [.init(lambda, 1 - lowerSum)])
          let slopes = groupRateSlopes(a, yh, side: side)
          for y in 0..<classes {
            guard let t = layout.t[a][y] else { preconditionFailure("SP uses every cell") }
            let mu = lp.addVariable("\(name).mu[\(a)][\(y)][\(yh)]", bounds: .lower(0))
            let delta = y == yh ? 1.0 : 0.0
            let slope = slopes[y]
            let pi = baseRate[a][y]
            bound.terms += [.init(mu, pi.upper - pi.lower), .init(t, pi.lower * slope)]
            bound.constant += pi.lower * side * delta
            lp.addConstraint(
              "\(name).dual[\(a)][\(y)][\(yh)]", [.init(mu, 1), .init(lambda, 1), .init(t, -slope)],
              .lower(side * delta))
          }
          if side > 0 { upper.append(bound) } else { negatedLower.append(bound) }
        }
      }
      addWorstCaseRows(to: &lp, entry: "\(yh)", upper: upper, negatedLower: negatedLower)
    }
  }

  /// SP: `c_y(t) = side δ(y, yh) + slope_y t[a][y]` is the coefficient of `π_y` in group a's
  /// rate of yh at the region's largest confusion rates (side +1: `δ + t (CU - δ)`) or in minus
  /// the rate at the smallest (side -1: `-(δ + t (CL - δ))`); this returns the slopes.
  func groupRateSlopes(_ a: Int, _ yh: Int, side: Double) -> [Double] {
    (0..<classes).map { y in
      let delta = y == yh ? 1.0 : 0.0
      let c = confusionEnds(a, y, yh)
      return side > 0 ? c.upper - delta : -(c.lower - delta)
    }
  }

  /// SP with generated bounds: a free variable `B[j][a][side]` per compared class, group and
  /// side, at least `Σ_y π_y c_y(t)` for the base-rate vertices π written so far (two to start:
  /// the maximizers at t = 1 and t = 0), and the worst-case rows on these variables.
  private func addGeneratedGroupBounds(to lp: inout LinearProgram, _ layout: RobustLayout) {
    for (j, key) in keys.enumerated() {
      var sides: [[BoundForm]] = [[], []]
      for a in 0..<groups {
        for (s, side) in [1.0, -1.0].enumerated() {
          let bound = layout.groupBounds[j][a][s]
          var seeds: [[Double]] = []
          for t in [1.0, 0.0] {
            guard let vertex = groupRateMaximizer(key: key, group: a, side: side, unmemorized: { _ in t })?.point,
              !seeds.contains(vertex)
            else { continue }
            seeds.append(vertex)
            lp.constraints.append(groupBoundCut(key: key, group: a, side: side, vertex: vertex, bound: bound, layout))
          }
          sides[s].append(BoundForm(terms: [.init(bound, 1)]))
        }
      }
      addWorstCaseRows(to: &lp, entry: "\(key.predictedClass)", upper: sides[0], negatedLower: sides[1])
    }
  }

  /// The largest `Σ_y π_y c_y(t)` over group a's base-rate box with `Σ π = 1`, and its vertex.
  func groupRateMaximizer(key: RateKey, group a: Int, side: Double, unmemorized t: (Int) -> Double)
    -> (value: Double, point: [Double])?
  {
    guard let baseRate = region.baseRate?[a] else { return nil }
    let yh = key.predictedClass
    let slopes = groupRateSlopes(a, yh, side: side)
    let c = (0..<classes).map { y in (y == yh ? side : 0) + slopes[y] * t(y) }
    return greedyMaximizer(
      coefficients: c, lower: baseRate.map(\.lower), upper: baseRate.map(\.upper), total: 1, atMost: false)
  }

  /// `B >= Σ_y π_y c_y(t)` at the base-rate vertex π: `B - Σ_y π_y slope_y t_y >= side π_yh`.
  private func groupBoundCut(
    key: RateKey, group a: Int, side: Double, vertex pi: [Double], bound: Int, _ layout: RobustLayout
  ) -> LinearProgram.Constraint {
    let yh = key.predictedClass
    let slopes = groupRateSlopes(a, yh, side: side)
    var terms: [LinearProgram.Term] = [.init(bound, 1)]
    for y in 0..<classes where pi[y] * slopes[y] != 0 {
      guard let t = layout.t[a][y] else { preconditionFailure("SP uses every cell") }
      terms.append(.init(t, -pi[y] * slopes[y]))
    }
    return .init(
      name: "\(side > 0 ? "up" : "down").cut[\(a)][\(yh)]", terms: terms, bounds: .lower(side * pi[yh]))
  }

  /// `upper_a + negatedLower_b <= eps` for every ordered pair a != b, where `upper_a` bounds
  /// group a's largest rate over the region and `-negatedLower_b` group b's smallest.
  /// `.linear` writes it with prefix maxima `P_k >= upper_a (a <= k)` and suffix maxima
  /// `S_k >= upper_a (a >= k)`: `P_{b-1} + negatedLower_b <= eps` and
  /// `S_{b+1} + negatedLower_b <= eps` hold for some P, S exactly when every pair a < b and
  /// a > b does (take P, S at the running maxima), with about 6G rows instead of G(G-1).
  private func addWorstCaseRows(
    to lp: inout LinearProgram, entry: String, upper: [BoundForm], negatedLower: [BoundForm]
  ) {
    guard pairRows != .allPairs, groups > 2 else {
      for a in 0..<groups {
        for b in 0..<groups where b != a {
          lp.addConstraint(
            "worst[\(entry)][\(a),\(b)]", upper[a].terms + negatedLower[b].terms,
            .upper(tolerance - upper[a].constant - negatedLower[b].constant))
        }
      }
      return
    }
    // A bound of more than two terms (SP's dual bounds) enters two rows: it is written once, as
    // a variable at least as large (`V >= form`; any such V works where the form is bounded
    // above), so the two rows have two terms each.
    func once(_ form: BoundForm, _ name: String) -> BoundForm {
      guard form.terms.count > 2 else { return form }
      let v = lp.addVariable(name, bounds: .free)
      lp.addConstraint("\(name)>=bound", [.init(v, 1)] + negated(form.terms), .lower(form.constant))
      return BoundForm(terms: [.init(v, 1)])
    }
    let upper = upper.indices.map { once(upper[$0], "worst.upper[\(entry)][\($0)]") }
    let negatedLower = negatedLower.indices.map { once(negatedLower[$0], "worst.lower[\(entry)][\($0)]") }
    var prefix: [Int] = []  // prefix[k] >= upper_a for a <= k, k < G - 1
    for k in 0..<(groups - 1) {
      let p = lp.addVariable("worst.prefix[\(entry)][\(k)]", bounds: .free)
      lp.addConstraint(
        "worst.prefix[\(entry)][\(k)]>=upper[\(k)]", [.init(p, 1)] + negated(upper[k].terms),
        .lower(upper[k].constant))
      if k > 0 {
        lp.addConstraint(
          "worst.prefix[\(entry)][\(k)]>=prefix[\(k - 1)]", [.init(p, 1), .init(prefix[k - 1], -1)], .lower(0))
      }
      prefix.append(p)
    }
    var suffix: [Int?] = Array(repeating: nil, count: groups)  // suffix[k] >= upper_a for a >= k, k > 0
    for k in stride(from: groups - 1, through: 1, by: -1) {
      let s = lp.addVariable("worst.suffix[\(entry)][\(k)]", bounds: .free)
      lp.addConstraint(
        "worst.suffix[\(entry)][\(k)]>=upper[\(k)]", [.init(s, 1)] + negated(upper[k].terms),
        .lower(upper[k].constant))
      if let next = k + 1 < groups ? suffix[k + 1] : nil {
        lp.addConstraint("worst.suffix[\(entry)][\(k)]>=suffix[\(k + 1)]", [.init(s, 1), .init(next, -1)], .lower(0))
      }
      suffix[k] = s
    }
    for b in 0..<groups {
      let bound = LinearProgram.Bounds.upper(tolerance - negatedLower[b].constant)
      if b > 0 {
        lp.addConstraint("worst[\(entry)][<\(b),\(b)]", [.init(prefix[b - 1], 1)] + negatedLower[b].terms, bound)
      }
      if b + 1 < groups, let s = suffix[b + 1] {
        lp.addConstraint("worst[\(entry)][>\(b),\(b)]", [.init(s, 1)] + negatedLower[b].terms, bound)
      }
    }
  }

  // MARK: Independent checks

  /// The largest |entry| over the whole region for the memorization with unmemorized fractions
  /// `t`, computed directly: for cell rates at the corners of the two compared rates' intervals,
  /// for group rates by maximizing and minimizing over the base-rate box with the simplex
  /// (`greedyMaximum`), not from the program's dual variables.
  func worstCaseGap(unmemorized t: [[Double]]) -> Double {
    var worst = 0.0
    if metric == .statisticalParity {
      guard let baseRate = region.baseRate else { return .infinity }
      for key in keys {
        let yh = key.predictedClass
        var highest: [Double] = []
        var lowest: [Double] = []
        for a in 0..<groups {
          let delta = (0..<classes).map { $0 == yh ? 1.0 : 0.0 }
          let high = (0..<classes).map { y in delta[y] + t[a][y] * (confusionEnds(a, y, yh).upper - delta[y]) }
          let low = (0..<classes).map { y in delta[y] + t[a][y] * (confusionEnds(a, y, yh).lower - delta[y]) }
          let lower = baseRate[a].map(\.lower)
          let upper = baseRate[a].map(\.upper)
          guard let top = greedyMaximum(coefficients: high, lower: lower, upper: upper, total: 1, atMost: false),
            let bottom = greedyMaximum(
              coefficients: low.map { -$0 }, lower: lower, upper: upper, total: 1, atMost: false)
          else { return .infinity }
          highest.append(top)
          lowest.append(-bottom)
        }
        for a in 0..<groups { for b in 0..<groups where b != a { worst = max(worst, highest[a] - lowest[b]) } }
      }
      return worst
    }
    for key in keys {
      guard let y = key.trueClass else { continue }
      for a in 0..<groups {
        for b in 0..<groups where b != a {
          let wa = movableInterval(group: a, key: key)
          let wb = movableInterval(group: b, key: key)
          for first in [wa.lower, wa.upper] {
            for second in [wb.lower, wb.upper] {
              worst = max(worst, abs(t[a][y] * first - t[b][y] * second))
            }
          }
        }
      }
    }
    return worst
  }

  /// The largest memorized mass `Σ p (1 - t)` over the cell-mass box with `Σ p <= 1`.
  func worstCaseMass(unmemorized t: [[Double]]) -> Double? {
    let cells = usedCells
    return greedyMaximum(
      coefficients: cells.map { 1 - t[$0.a][$0.y] }, lower: cells.map { region.cellMass[$0.a][$0.y]?.lower ?? 0 },
      upper: cells.map { region.cellMass[$0.a][$0.y]?.upper ?? 0 }, total: 1, atMost: true)
  }
}
