import FairnessStatistics
internal import LinearProgramming

extension MemorizationAnalysis {
  /// Turns the least-mass LP into an exact, certified rational answer.
  ///
  /// 1. Take a vertex from GLPK: the exact simplex (`glp_exact`) on the program built from the
  ///    exact statistics (coefficients rounded once to doubles), and the floating point solution.
  /// 2. Recover the exact vertex of the *exact* program from each: classify every variable as at
  ///    0, at its cap or strictly inside, and every row as active (equality rows always; with a
  ///    tolerance, rows at `±eps`), then solve the active rows for the inside variables by exact
  ///    Gaussian elimination in rationals. Duals likewise: solve `Σ_e y_e coef_e[j] = 1` for the
  ///    inside variables over the rows with a nonzero floating dual. (Rounding GLPK's doubles to
  ///    nearby fractions, step 2's last resort, fails once denominators exceed ~1e6, which is the
  ///    usual case for counts in the thousands; and the rounded program that `glp_exact` solves
  ///    can be infeasible when equality rows are rounded.)
  /// 3. Verify in exact arithmetic, against the *exact* statistics: the witness lies in the box
  ///    and zeroes (or eps-bounds) every entry by the mixture rule R0; the duals satisfy
  ///    complementary slackness with the witness, which proves optimality (weak duality).
  /// If every attempt fails step 3, the floating point answer stands and the note says why;
  /// nothing is reported as exact without passing step 3.
  static func certifyExactMinimum(
    _ statistics: PopulationStatistics<Rational>, metric: FairnessMetric, options: MetricOptions,
    floating: LPSolution
  ) -> ExactAnswer {
    let program = MemorizationProgram(statistics: statistics, metric: metric, options: options)
    let closedForms = statistics.closedForms(for: metric, options: options)
    let closed = closedForms.exactMinimum
    var vertices: [LPSolution] = []
    var problems: [String] = []
    do {
      if let s = try program.solveMass(.minimizeMass, options: SimplexOptions(method: .exact, wantsCertificate: false))
        .solution
      {
        vertices.append(s)
      } else {
        problems.append("GLPK's exact simplex did not confirm feasibility of the rounded program")
      }
    } catch {
      problems.append("GLPK's exact simplex failed: \(error)")
    }
    vertices.append(floating)
    var attempts: [(String, () -> ([Rational], [Rational])?)] = []
    for vertex in vertices {
      // First with zero reduced cost also imposed on variables at a bound whose floating reduced
      // cost is zero (degenerate basic variables), then without.
      attempts.append(("basis reconstruction", { reconstructVertex(program, from: vertex, pinDegenerate: true) }))
      attempts.append(("basis reconstruction", { reconstructVertex(program, from: vertex, pinDegenerate: false) }))
    }
    for vertex in vertices {
      attempts.append(("continued fractions", { roundToFractions(vertex) }))
    }
    for (method, attempt) in attempts {
      guard let (flat, duals) = attempt() else {
        problems.append("\(method): no exact candidate")
        continue
      }
      if let problem = exactViolation(program, flat: flat, duals: duals) {
        problems.append("\(method): \(problem)")
        continue
      }
      let mass = fieldSum(flat)
      let total = statistics.counts.map { Rational(integer: $0.joined().joined().reduce(0, +)) }
      return ExactAnswer(
        minMass: mass, witness: program.reshape(flat), records: total.map { $0 * mass }, closedFormMinimum: closed,
        verified: true,
        note:
          "exact (\(method)): witness meets every entry exactly (R0 in rational arithmetic) and duals satisfy complementary slackness exactly"
      )
    }
    let failures = problems.isEmpty ? "no exact candidate" : problems.joined(separator: "; ")
    // Last resort: the closed form's own witness (R6/R7), checked exactly by the mixture rule;
    // its optimality rests on the closed-form derivation, which the LP confirms in floating point.
    if let mass = closed, let witness = closedForms.minimumWitness,
      exactWitnessProblem(witness, statistics: statistics, metric: metric, options: options) == nil,
      abs(mass.doubleValue - floating.objective) <= 1e-9
    {
      let total = statistics.counts.map { Rational(integer: $0.joined().joined().reduce(0, +)) }
      return ExactAnswer(
        minMass: mass, witness: witness, records: total.map { $0 * mass }, closedFormMinimum: closed, verified: true,
        note:
          "exact (closed form \(closedForms.rules.joined(separator: ", "))): witness meets every entry exactly (R0 in rational arithmetic); optimality by the closed-form derivation, confirmed by the LP; the LP vertex itself could not be certified (\(failures))"
      )
    }
    return ExactAnswer(
      minMass: nil, witness: nil, records: nil, closedFormMinimum: closed, verified: false, note: failures)
  }

  /// Step 3: the box, every entry by R0, and complementary slackness, all in rationals.
  static func exactViolation(_ program: MemorizationProgram<Rational>, flat: [Rational], duals: [Rational]) -> String? {
    let statistics = program.statistics
    let x = program.reshape(flat)
    let eps = Rational.converting(program.options.tolerance)
    if let problem = exactWitnessProblem(x, statistics: statistics, metric: program.metric, options: program.options) {
      return "recovered witness: \(problem)"
    }
    guard duals.count == program.forms.count else { return "dual vector has the wrong length" }
    if let problem = complementarySlacknessViolation(program, witness: x, duals: duals, tolerance: eps) {
      return "exact optimality check failed: \(problem)"
    }
    return nil
  }

  /// The old route: nearby fractions of GLPK's doubles by continued fractions.
  static func roundToFractions(_ solution: LPSolution) -> ([Rational], [Rational])? {
    let scale = max(1.0, solution.values.map(abs).max() ?? 1)
    var flat: [Rational] = []
    for v in solution.values {
      guard let r = Rational.approximating(v, tolerance: 1e-12 * scale) else { return nil }
      flat.append(r.signum < 0 ? .zero : r)
    }
    var duals: [Rational] = []
    for d in solution.rowDuals {
      guard let r = Rational.approximating(d, tolerance: 1e-11 * max(1, abs(d))) else { return nil }
      duals.append(r)
    }
    return (flat, duals)
  }

  /// Recovers the exact vertex (and duals) of the exact program whose active set GLPK's
  /// solution indicates. See `certifyExactMinimum`, step 2.
  static func reconstructVertex(
    _ program: MemorizationProgram<Rational>, from solution: LPSolution, pinDegenerate: Bool
  ) -> ([Rational], [Rational])? {
    let statistics = program.statistics
    let n = statistics.groupCount * statistics.classCount
    guard solution.values.count == n, solution.rowDuals.count == program.forms.count else { return nil }
    let eps = Rational.converting(program.options.tolerance)
    let near = 1e-9
    let caps = statistics.cap.joined().map { $0 }
    func coefficient(_ form: AffineForm<Rational>, _ j: Int) -> Rational {
      form.coefficients[j / statistics.classCount][j % statistics.classCount]
    }
    func fraction(_ v: Double) -> Rational { Rational.approximating(v, tolerance: 1e-12) ?? Rational(exactly: v) }
    // Variables: at 0, at the cap, or inside.
    var x: [Rational?] = []
    for (v, cap) in zip(solution.values, caps) {
      if cap.isZero || abs(v) <= near {
        x.append(.zero)
      } else if abs(v - cap.doubleValue) <= near {
        x.append(cap)
      } else {
        x.append(nil)
      }
    }
    let inside = (0..<n).filter { x[$0] == nil }
    // Active rows and their targets (value of the entry form).
    var active: [(row: Int, target: Rational)] = []
    for (i, form) in program.forms.enumerated() {
      if eps.isZero {
        active.append((i, .zero))
        continue
      }
      let value = form.constant.doubleValue + solution.rowActivities[i]
      if abs(value + program.options.tolerance) <= near {
        active.append((i, -eps))
      } else if abs(value - program.options.tolerance) <= near {
        active.append((i, eps))
      }
    }
    // Primal: active rows restricted to the inside variables.
    var rows: [[Rational]] = []
    var rhs: [Rational] = []
    for (i, target) in active {
      let form = program.forms[i]
      var rest = target - form.constant
      for j in 0..<n { if let fixed = x[j], !fixed.isZero { rest = rest - coefficient(form, j) * fixed } }
      rows.append(inside.map { coefficient(form, $0) })
      rhs.append(rest)
    }
    guard let values = solveExactly(rows, rhs, defaults: inside.map { fraction(solution.values[$0]) }) else {
      return nil
    }
    for (k, j) in inside.enumerated() { x[j] = values[k] }
    let flat = x.map { $0 ?? .zero }
    // Duals: rows with a nonzero floating dual; reduced cost 0 on the variables strictly inside.
    let dualScale = max(1, solution.rowDuals.map(abs).max() ?? 0)
    let carrying = (0..<program.forms.count).filter { abs(solution.rowDuals[$0]) > 1e-9 * dualScale }
    let reducedCostScale = max(1, solution.reducedCosts.map(abs).max() ?? 0)
    let strictlyInside = (0..<n).filter { j in
      (flat[j] > .zero && flat[j] < caps[j])
        || (pinDegenerate && !caps[j].isZero && solution.reducedCosts.count == n
          && abs(solution.reducedCosts[j]) <= 1e-9 * reducedCostScale)
    }
    let dualRows = strictlyInside.map { j in carrying.map { coefficient(program.forms[$0], j) } }
    guard
      let carried = solveExactly(
        dualRows, Array(repeating: .one, count: strictlyInside.count),
        defaults: carrying.map { fraction(solution.rowDuals[$0]) })
    else { return nil }
    var duals = Array(repeating: Rational.zero, count: program.forms.count)
    for (k, i) in carrying.enumerated() { duals[i] = carried[k] }
    return (flat, duals)
  }

  /// Solves `A z = b` exactly by Gauss-Jordan elimination. Unknowns the system leaves free take
  /// their `defaults`. Returns nil when the system is inconsistent.
  static func solveExactly(_ matrix: [[Rational]], _ rhs: [Rational], defaults: [Rational]) -> [Rational]? {
    var a = matrix
    var b = rhs
    let n = defaults.count
    var pivots: [(row: Int, column: Int)] = []
    var r = 0
    for column in 0..<n where r < a.count {
      guard let p = (r..<a.count).first(where: { !a[$0][column].isZero }) else { continue }
      a.swapAt(r, p)
      b.swapAt(r, p)
      let inverse = Rational.one / a[r][column]
      a[r] = a[r].map { $0 * inverse }
      b[r] = b[r] * inverse
      for i in 0..<a.count where i != r && !a[i][column].isZero {
        let factor = a[i][column]
        for j in column..<n where !a[r][j].isZero { a[i][j] = a[i][j] - factor * a[r][j] }
        b[i] = b[i] - factor * b[r]
      }
      pivots.append((r, column))
      r += 1
    }
    for i in r..<a.count where !b[i].isZero { return nil }
    var z = defaults
    let pivotColumns = Set(pivots.map(\.column))
    for (row, column) in pivots {
      var value = b[row]
      for j in 0..<n where !pivotColumns.contains(j) && !a[row][j].isZero { value = value - a[row][j] * z[j] }
      z[column] = value
    }
    return z
  }

  /// Checks a rational witness exactly: inside the box `[0, cap]` and every entry (all pairs)
  /// within the tolerance by the mixture rule R0. Returns the first problem, or nil.
  static func exactWitnessProblem(
    _ x: [[Rational]], statistics: PopulationStatistics<Rational>, metric: FairnessMetric, options: MetricOptions
  ) -> String? {
    for a in 0..<statistics.groupCount {
      for y in 0..<statistics.classCount where x[a][y] < .zero || x[a][y] > statistics.cap[a][y] {
        return "cell (\(a), \(y)) is outside [0, cap]"
      }
    }
    let eps = Rational.converting(options.tolerance)
    let mixture = MixtureRule(statistics)
    for entry in statistics.allEntries(for: metric, options: options)
    where mixture.entryValue(entry, memorized: x).magnitudeValue > eps {
      return "does not meet \(entry.label(groups: statistics.groups, classes: statistics.classes)) exactly"
    }
    return nil
  }

  /// For `min Σ x` s.t. `lo_e <= f_e(x) <= hi_e`, `0 <= x <= cap`: with reduced costs
  /// `d_j = 1 - Σ_e y_e coef_e[j]`, optimality holds when `d_j >= 0` where `x_j = 0 < cap_j`,
  /// `d_j <= 0` where `x_j = cap_j > 0`, `d_j = 0` strictly inside, and `y_e > 0` only on rows at
  /// their lower end, `y_e < 0` only at their upper end. Returns the first violation.
  static func complementarySlacknessViolation(
    _ program: MemorizationProgram<Rational>, witness x: [[Rational]], duals: [Rational], tolerance eps: Rational
  ) -> String? {
    let stats = program.statistics
    for (i, (form, y)) in zip(program.forms, duals).enumerated() where !y.isZero {
      let value = form.value(at: x)
      if eps.isZero { continue }  // equality rows: any sign
      if y > .zero && value != -eps { return "row \(i) has a positive dual but is not at its lower end" }
      if y < .zero && value != eps { return "row \(i) has a negative dual but is not at its upper end" }
    }
    for a in 0..<stats.groupCount {
      for c in 0..<stats.classCount {
        var d = Rational.one
        for (form, y) in zip(program.forms, duals) where !y.isZero { d = d - y * form.coefficients[a][c] }
        let v = x[a][c]
        let cap = stats.cap[a][c]
        if cap.isZero { continue }
        if v.isZero && d < .zero { return "x[\(a)][\(c)] = 0 but its reduced cost \(d) is negative" }
        if v == cap && d > .zero { return "x[\(a)][\(c)] = cap but its reduced cost \(d) is positive" }
        if v > .zero && v < cap && !d.isZero {
          return "x[\(a)][\(c)] is strictly inside its bounds but its reduced cost is \(d)"
        }
      }
    }
    return nil
  }
}
