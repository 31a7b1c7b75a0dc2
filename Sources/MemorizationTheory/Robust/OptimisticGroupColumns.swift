import FairnessStatistics
import LinearProgramming

/// The optimistic SP program by Dantzig–Wolfe decomposition over groups.
///
/// The program's rows split into each group's own rows (base rates in their box summing to 1,
/// lifted products, confusion rows summing to 1) and the entry rows that tie the groups' rates
/// together (`c <= rate_a <= c + eps`). A group's own rows describe a polytope `X_a`; every point
/// of it is a convex combination of vertices, so the program is the **master** "choose for each
/// group a convex combination of vertices of `X_a`, rates within the band, least memorized
/// mass", with one column per vertex. Columns are generated: at the master's duals `θ` (entry
/// rows of group a) and `κ_a` (its convexity row) the vertex of least reduced cost
/// `cost - θ·rate - κ_a` has a closed form (`groupColumn`), so a column is added while one
/// prices out (`solveWithColumnGeneration`, warm-started). At the end no column has a negative
/// reduced cost, so the master's optimum is the program's (LP duality).
///
/// The master starts with artificial variables on the entry rows (cost `artificialCost`): when
/// they end at 0 the answer is the program's (the penalized master is a relaxation whose
/// optimum is then feasible); otherwise nil is returned and the caller solves the program
/// itself (that is also how infeasibility and its Farkas certificate are obtained).
extension RobustPrograms {
  /// A vertex of group a's polytope: each class memorized entirely or not at all, base rates at
  /// a vertex of their box, unmemorized confusion rows at vertices of theirs.
  struct GroupColumn: Hashable {
    var z: [Double]
    var s: [Double]
    /// `u[y][yh] = s[y] C[y][yh]`.
    var u: [[Double]]
    /// The memorized mass at the cell masses' lower ends, `PL[a] Σ_y z[y]`.
    var cost: Double

    /// Group a's rate of yh: `z[yh] + Σ_y u[y][yh]`.
    func rate(_ yh: Int) -> Double { u.reduce(z[yh]) { $0 + $1[yh] } }
  }

  /// The cost of an entry row's artificial variable in the master.
  static let artificialCost = 1000.0

  /// Whether `decide` solves the optimistic SP program by group columns: when forced by
  /// `groupColumns`, or by default (nil) when it applies and the program is large (G·K² of at
  /// least `groupColumnsThreshold` lifted products), where the simplex on the whole program
  /// grows slow; small programs keep the direct solve.
  var usesGroupColumns: Bool {
    admitsGroupColumns && (groupColumns ?? (groups * classes * classes >= Self.groupColumnsThreshold))
  }

  static let groupColumnsThreshold = 4_000

  /// Whether the decomposition applies: SP with base rates and every confusion rate (or the
  /// given law of convention A) known.
  var admitsGroupColumns: Bool {
    metric == .statisticalParity && region.baseRate != nil
      && (0..<groups).allSatisfy { a in
        (0..<classes).allSatisfy { y in (0..<classes).allSatisfy { unmemorizedRate(a, y, $0) != nil } }
      }
  }

  /// The vertex of group a's polytope with the least `cost - Σ_yh theta[yh] rate(yh)` (`theta`
  /// per class, 0 for classes not compared): per class, memorizing costs `PL - θ[y]` per unit of
  /// mass and not memorizing `-max_C θ·C` over the confusion row's box with `Σ C = 1` (convention
  /// A: the given law); each class takes the cheaper, and the base rates minimize `Σ π_y v_y`
  /// over their box with `Σ π = 1`. Both are fractional knapsacks (`greedyMaximizer`). Nil when a
  /// box cannot sum to 1.
  func groupColumn(_ a: Int, theta: [Double]) -> GroupColumn? {
    guard let baseRate = region.baseRate?[a] else { return nil }
    let massLower = (0..<classes).reduce(0.0) { $0 + (region.cellMass[a][$1]?.lower ?? 0) }
    var unitCost: [Double] = []
    var rows: [[Double]?] = []
    for y in 0..<classes {
      let ends = (0..<classes).map { confusionEnds(a, y, $0) }
      let row: [Double]? =
        unmemorized == nil
        ? greedyMaximizer(
          coefficients: theta, lower: ends.map(\.lower), upper: ends.map(\.upper), total: 1, atMost: false)?.point
        : ends.map(\.lower)
      let memorize = massLower - theta[y]
      let keep = row.map { r in -zip(theta, r).reduce(0) { $0 + $1.0 * $1.1 } }
      if let keep, keep <= memorize {
        unitCost.append(keep)
        rows.append(row)
      } else {
        unitCost.append(memorize)
        rows.append(nil)
      }
    }
    guard
      let pi = greedyMaximizer(
        coefficients: unitCost.map { -$0 }, lower: baseRate.map(\.lower), upper: baseRate.map(\.upper), total: 1,
        atMost: false)?.point
    else { return nil }
    var column = GroupColumn(
      z: Array(repeating: 0, count: classes), s: Array(repeating: 0, count: classes),
      u: Array(repeating: Array(repeating: 0, count: classes), count: classes), cost: 0)
    for y in 0..<classes {
      if let row = rows[y] {
        column.s[y] = pi[y]
        column.u[y] = row.map { pi[y] * $0 }
      } else {
        column.z[y] = pi[y]
      }
    }
    column.cost = massLower * column.z.reduce(0, +)
    return column
  }

  /// The optimistic SP program's optimum and a solution of it (indexed like `optimisticProgram`,
  /// band variables left at 0) by column generation, or nil when the artificial variables do not
  /// all vanish (the caller then solves the program itself). `firstRound` is the simplex method
  /// of the first master solve (the later rounds use the primal simplex); the dual simplex
  /// (default) needs no phase one there (about 4 s down to 2-3 s at G = 50, K = 30).
  func solveOptimisticByGroupColumns(
    layout: OptimisticLayout, variableCount: Int, firstRound: SimplexOptions.Method = .dual
  ) throws -> (
    objective: Double, values: [Double]
  )? {
    guard admitsGroupColumns else { return nil }
    let compared = keys.map(\.predictedClass)
    let entryRow = { (j: Int, a: Int) in groups + j * groups + a }
    var master = LinearProgram(direction: .minimize)
    for a in 0..<groups { master.addConstraint("convexity[\(a)]", [], .fixed(1)) }
    for j in compared.indices {
      let band = master.addVariable("band[\(compared[j])]", bounds: .free)
      for a in 0..<groups {
        master.addConstraint(
          "entry[\(compared[j])][\(a)]", [.init(band, -1)], tolerance > 0 ? .range(0, tolerance) : .fixed(0))
      }
    }
    for row in groups..<master.constraints.count {
      for sign in [1.0, -1.0] {
        let e = master.addVariable("artificial", bounds: .lower(0), objective: Self.artificialCost)
        master.constraints[row].terms.append(.init(e, sign))
      }
    }
    let artificialEnd = master.variables.count
    // Master variables from `artificialEnd` on are the generated columns, in `owners` order.
    var owners: [(group: Int, column: GroupColumn)] = []
    var seen: [Set<GroupColumn>] = Array(repeating: [], count: groups)
    func generated(_ a: Int, _ column: GroupColumn) -> GeneratedColumn? {
      guard seen[a].insert(column).inserted else { return nil }
      owners.append((a, column))
      let entries =
        [(row: a, coefficient: 1.0)]
        + compared.indices.map { (row: entryRow($0, a), coefficient: column.rate(compared[$0])) }
      return GeneratedColumn(
        variable: .init(name: "column[\(a)]", bounds: .lower(0), objective: column.cost), entries: entries)
    }
    // Seeds: the vertices for theta = 0 and theta = ±(unit vector of each compared class).
    for a in 0..<groups {
      var thetas = [Array(repeating: 0.0, count: classes)]
      for yh in compared {
        for sign in [1.0, -1.0] {
          var theta = Array(repeating: 0.0, count: classes)
          theta[yh] = sign
          thetas.append(theta)
        }
      }
      for theta in thetas {
        guard let column = groupColumn(a, theta: theta), let seed = generated(a, column) else { continue }
        try master.addColumn(seed)
      }
      guard !seen[a].isEmpty else { return nil }
    }
    // The slack basis is dual feasible (every column is >= 0 with a cost >= 0, the bands are free
    // with cost 0), so the dual simplex solves the first master without a phase one.
    let (outcome, _) = try solveWithColumnGeneration(
      master, options: SimplexOptions(method: .primal), firstRound: firstRound
    ) { solution in
      var added: [GeneratedColumn] = []
      for a in 0..<groups {
        var theta = Array(repeating: 0.0, count: classes)
        for j in compared.indices { theta[compared[j]] = solution.rowDuals[entryRow(j, a)] }
        guard let column = groupColumn(a, theta: theta) else { continue }
        let reduced =
          column.cost - compared.indices.reduce(0.0) { $0 + theta[compared[$1]] * column.rate(compared[$1]) }
          - solution.rowDuals[a]
        if reduced < -1e-9, let next = generated(a, column) { added.append(next) }
      }
      return added
    }
    guard case .optimal(let solution) = outcome else { return nil }
    let artificial = (compared.count..<artificialEnd).reduce(0.0) { $0 + solution.values[$1] }
    guard artificial <= 1e-9 else { return nil }
    // The program's variables: each group's convex combination of its columns.
    var values = Array(repeating: 0.0, count: variableCount)
    for (offset, owner) in owners.enumerated() {
      let weight = solution.values[artificialEnd + offset]
      guard weight != 0 else { continue }
      let a = owner.group
      for y in 0..<classes {
        values[layout.z[a][y]] += weight * owner.column.z[y]
        values[layout.s[a][y]] += weight * owner.column.s[y]
        for yh in 0..<classes {
          guard let product = layout.u[a][y][yh] else { continue }
          values[product.excess] += weight * (owner.column.u[y][yh] - product.lower * owner.column.s[y])
        }
      }
    }
    return (solution.objective - Self.artificialCost * artificial, values)
  }
}
