internal import LinearProgramming

extension MemorizationAnalysis {
  /// Turns the least-mass LP into an exact, certified rational answer.
  ///
  /// 1. Solve with GLPK's exact simplex (`glp_exact`) on the program built from the exact
  ///    statistics (coefficients rounded once to doubles for GLPK).
  /// 2. Recover rationals from GLPK's double output by continued fractions (best rational
  ///    approximations, bounded denominators) for the witness and the row duals.
  /// 3. Verify in exact arithmetic, against the *exact* statistics: the witness lies in the box
  ///    and zeroes (or eps-bounds) every entry by the mixture rule R0; the duals satisfy
  ///    complementary slackness with the witness, which proves optimality (weak duality).
  /// If any step fails, the floating point answer stands and the note says why; nothing is
  /// reported as exact without passing step 3.
  static func certifyExactMinimum(
    _ statistics: PopulationStatistics<Rational>, metric: FairnessMetric, options: MetricOptions,
    floating: LPSolution
  ) -> ExactAnswer {
    let program = MemorizationProgram(statistics: statistics, metric: metric, options: options)
    let closedForms = statistics.closedForms(for: metric, options: options)
    let closed = closedForms.exactMinimum
    let total = statistics.counts.map { Rational(integer: $0.joined().joined().reduce(0, +)) }
    func failed(_ note: String) -> ExactAnswer {
      // Fallback: the closed form's own witness, checked exactly by the mixture rule. Its
      // optimality rests on the closed-form derivation (R6/R7), which the LP confirms in floating
      // point; the note says so.
      if let mass = closed, let witness = closedForms.minimumWitness,
        exactWitnessProblem(witness, statistics: statistics, metric: metric, options: options) == nil,
        abs(mass.doubleValue - floating.objective) <= 1e-9
      {
        return ExactAnswer(
          minMass: mass, witness: witness, records: total.map { $0 * mass }, closedFormMinimum: closed,
          verified: true,
          note: "exact: closed-form witness (\(closedForms.rules.joined(separator: ", "))) meets every entry exactly (R0 in rational arithmetic); optimality by the closed-form derivation, confirmed by the LP (the LP's own rationals could not be recovered: \(note))")
      }
      return ExactAnswer(minMass: nil, witness: nil, records: nil, closedFormMinimum: closed, verified: false, note: note)
    }
    let solution: LPSolution
    do {
      guard let s = try solve(program.linearProgram(.minimizeMass), options: SimplexOptions(method: .exact, wantsCertificate: false)).solution
      else { return failed("GLPK's exact simplex did not confirm feasibility of the rounded program") }
      solution = s
    } catch {
      return failed("GLPK's exact simplex failed: \(error)")
    }
    let scale = max(1.0, solution.values.map(abs).max() ?? 1)
    var flat: [Rational] = []
    for v in solution.values {
      guard let r = Rational.approximating(v, tolerance: 1e-12 * scale) else {
        return failed("could not recover an exact witness from GLPK's output (denominators too large)")
      }
      flat.append(r.signum < 0 ? .zero : r)
    }
    let x = program.reshape(flat)
    let eps = Rational.converting(options.tolerance)
    if let problem = exactWitnessProblem(x, statistics: statistics, metric: metric, options: options) {
      return failed("recovered witness: \(problem)")
    }
    // Dual: complementary slackness with rationalized duals.
    var duals: [Rational] = []
    for d in solution.rowDuals {
      guard let r = Rational.approximating(d, tolerance: 1e-11 * max(1, abs(d))) else {
        return failed("could not recover exact duals from GLPK's output")
      }
      duals.append(r)
    }
    guard duals.count == program.forms.count else { return failed("dual vector has the wrong length") }
    if let problem = complementarySlacknessViolation(program, witness: x, duals: duals, tolerance: eps) {
      return failed("exact optimality check failed: \(problem)")
    }
    let mass = fieldSum(flat)
    return ExactAnswer(
      minMass: mass, witness: x, records: total.map { $0 * mass }, closedFormMinimum: closed,
      verified: true,
      note: "exact: witness meets every entry exactly (R0 in rational arithmetic) and duals satisfy complementary slackness exactly")
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
        if v > .zero && v < cap && !d.isZero { return "x[\(a)][\(c)] is strictly inside its bounds but its reduced cost is \(d)" }
      }
    }
    return nil
  }
}
