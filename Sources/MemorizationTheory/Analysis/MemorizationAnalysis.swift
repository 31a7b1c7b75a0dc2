public import FairnessStatistics
public import LinearProgramming

/// Solves the memorization LPs for one metric and checks every answer independently.
public enum MemorizationAnalysis {
  /// Feasibility, least and most mass, witnesses, certificate and closed forms for one metric.
  ///
  /// - Parameters:
  ///   - statistics: the validated statistics (floating point).
  ///   - exactStatistics: the same statistics as exact rationals (from counts), to also produce
  ///     an exact, certified least mass with GLPK's exact simplex.
  ///   - certificate: whether infeasible answers carry a (checked) Farkas certificate.
  ///   - method: the simplex variant for the floating point solves.
  ///   - route: GLPK always (the default), or the exact closed forms where they apply
  ///     (`AnswerRoute.closedFormWhereExact`; floating point, non-exact simplex only).
  ///
  /// A floating point (non-exact) infeasibility certificate counts as verified only when its gap
  /// exceeds `MemorizationAnswer.witnessTolerance`, the margin every witness is checked with
  /// (`MemorizationAnswer.provesInfeasibility(floatingGap:)`). A smaller gap is rounding noise (the rounded coefficients can be infeasible by 1e-16 where the
  /// intended ones are feasible), so such an instance is answered again at
  /// `tolerance + witnessTolerance`, with a note saying so; with exact statistics the exact gap
  /// decides.
  /// - Throws: `LPFailure` when GLPK fails (never for infeasible or unbounded programs).
  public static func analyze(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions,
    exactStatistics: PopulationStatistics<Rational>? = nil, certificate: Bool = true,
    method: SimplexOptions.Method = .dual, route: AnswerRoute = .linearProgram
  ) throws(LPFailure) -> MemorizationAnswer {
    let closed = statistics.closedForms(for: metric, options: options)
    if route == .closedFormWhereExact, exactStatistics == nil, method != .exact,
      let fast = closedFormAnswer(
        statistics, metric: metric, options: options, closed: closed, certificate: certificate)
    {
      return fast
    }
    let answer = try analyzeByLinearProgram(
      statistics, metric: metric, options: options, closed: closed, exactStatistics: exactStatistics,
      certificate: certificate, method: method)
    // Unverified floating certificate: its gap is at most the witness margin.
    guard let found = answer.certificate, !found.verified, found.exactGap == nil else { return answer }
    var relaxed = options
    relaxed.tolerance += MemorizationAnswer.witnessTolerance
    var retry = try analyzeByLinearProgram(
      statistics, metric: metric, options: relaxed, closed: statistics.closedForms(for: metric, options: relaxed),
      exactStatistics: nil, certificate: certificate, method: method)
    retry.notes.append(
      "infeasible at tolerance \(options.tolerance) only by \(found.gap), the level of rounding (below the witness margin \(MemorizationAnswer.witnessTolerance)); answered at tolerance \(relaxed.tolerance)"
    )
    return retry
  }

  /// The GLPK route of `analyze`: least and most mass, witnesses re-checked with R0, and a
  /// Farkas certificate for an infeasible program.
  static func analyzeByLinearProgram(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions,
    closed: ClosedFormBounds<Double>, exactStatistics: PopulationStatistics<Rational>?, certificate: Bool,
    method: SimplexOptions.Method
  ) throws(LPFailure) -> MemorizationAnswer {
    let program = MemorizationProgram(statistics: statistics, metric: metric, options: options)
    let mixture = MixtureRule(statistics)
    var answer = unanswered(statistics, metric: metric, options: options, closed: closed, rows: program.rowLabels)

    // GLPK's floating simplex accepts points that violate rows by up to about 1e-7, so at the
    // edge of feasibility it can report "optimal" for a program that is infeasible (or the min
    // and max solves can disagree). A floating solution whose witness fails the independent R0
    // check is therefore re-decided by GLPK's exact simplex on the same program.
    func acceptable(_ solution: LPSolution) -> Bool {
      let x = program.reshape(solution.values)
      return mixture.largestGap(metric, options: options, memorized: x)
        <= options.tolerance + MemorizationAnswer.witnessTolerance && withinCaps(x, statistics)
    }
    func solveChecked(_ objective: MemorizationProgram<Double>.Objective, wantsCertificate: Bool) throws(LPFailure)
      -> LPOutcome
    {
      let outcome = try program.solveMass(
        objective, options: SimplexOptions(method: method, wantsCertificate: wantsCertificate))
      if let solution = outcome.solution, acceptable(solution) { return outcome }
      // Infeasible with a (checked) certificate, or when none was asked for: that stands.
      if case .infeasible(let farkas) = outcome, objective == .minimizeMass, farkas != nil || !wantsCertificate {
        return outcome
      }
      guard method != .exact else { return outcome }
      answer.notes.append(
        "the floating point simplex was inconclusive near the edge of feasibility (\(objective)); re-solved with the exact simplex"
      )
      return try program.solveMass(
        objective, options: SimplexOptions(method: .exact, wantsCertificate: wantsCertificate))
    }
    switch try solveChecked(.minimizeMass, wantsCertificate: certificate) {
    case .unbounded:
      preconditionFailure("mass LPs are bounded: every variable lies in [0, cap]")
    case .infeasible(let farkas):
      if let farkas {
        // On metric entries: the rows themselves at zero tolerance, the pairs a band's
        // multipliers stand for with a tolerance (see `pairwiseMultipliers`).
        let (entries, multipliers) = program.pairwiseMultipliers(farkas.rowMultipliers)
        let gap = program.farkasGap(entries: entries, multipliers: multipliers)
        var exactGap: Rational? = nil
        if let exactStatistics {
          let exactProgram = MemorizationProgram(statistics: exactStatistics, metric: metric, options: options)
          exactGap = exactProgram.farkasGap(entries: entries, multipliers: multipliers.map { Rational(exactly: $0) })
        }
        answer.certificate = InfeasibilityCertificate(
          entries: entries,
          rowLabels: entries.map { $0.label(groups: statistics.groups, classes: statistics.classes) },
          multipliers: multipliers, gap: gap,
          verified: exactGap.map { $0 > .zero } ?? MemorizationAnswer.provesInfeasibility(floatingGap: gap),
          exactGap: exactGap)
      }
    case .optimal(let minimum):
      answer.feasible = true
      answer.minMass = minimum.objective
      let witness = program.witness(fromSolverValues: minimum.values)
      answer.witness = witness
      // The most mass at zero bias: feasible as soon as the least-mass problem is.
      // (After the exact re-decision above, a disagreement means the floating solves are at
      // the edge of feasibility; report it instead of trapping.)
      guard let top = try solveChecked(.maximizeMass, wantsCertificate: false).solution else {
        answer.witnessVerified = false
        answer.residual = mixture.largestGap(metric, options: options, memorized: witness)
        answer.notes.append(
          "the most-mass LP was reported infeasible although the least-mass LP is feasible (numerically borderline instance); the answer is unverified"
        )
        answer.closedFormAgrees = agreement(answer, closed)
        return answer
      }
      answer.maxMass = top.objective
      let maxWitness = program.witness(fromSolverValues: top.values)
      answer.maxWitness = maxWitness
      let residual = max(
        mixture.largestGap(metric, options: options, memorized: witness),
        mixture.largestGap(metric, options: options, memorized: maxWitness))
      answer.residual = residual
      answer.witnessVerified =
        residual <= options.tolerance + MemorizationAnswer.witnessTolerance
        && withinCaps(witness, statistics) && withinCaps(maxWitness, statistics)
      if let exactStatistics {
        answer.exact = certifyExactMinimum(exactStatistics, metric: metric, options: options, floating: minimum)
      }
    }
    answer.closedFormAgrees = agreement(answer, closed)
    return answer
  }

  /// An answer with the fields every answer has, not yet feasible, no masses, no certificate.
  static func unanswered(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions,
    closed: ClosedFormBounds<Double>, rows: [String]
  ) -> MemorizationAnswer {
    MemorizationAnswer(
      metric: metric, convention: statistics.convention, options: options,
      groups: statistics.groups, classes: statistics.classes, feasible: false,
      closedForm: closed, closedFormAgrees: true, constrainedEntries: rows, notes: statistics.notes)
  }

  /// Whether `0 <= x <= cap` holds up to solver precision.
  static func withinCaps(_ x: [[Double]], _ statistics: PopulationStatistics<Double>) -> Bool {
    for (row, caps) in zip(x, statistics.cap) {
      for (v, c) in zip(row, caps)
      where v < -MemorizationAnswer.witnessTolerance || v > c + MemorizationAnswer.witnessTolerance {
        return false
      }
    }
    return true
  }

  /// Closed forms vs LP: exact values must match; bounds must bracket the LP optima; a
  /// closed-form infeasibility proof must match an infeasible LP.
  static func agreement(_ answer: MemorizationAnswer, _ closed: ClosedFormBounds<Double>) -> Bool {
    let tol = 1e-7
    guard answer.feasible, let lo = answer.minMass, let hi = answer.maxMass else {
      // Infeasible LP: closed forms must not claim an exact minimum.
      return closed.exactMinimum == nil
    }
    if closed.provesInfeasible { return false }
    if let exact = closed.exactMinimum, abs(exact - lo) > tol { return false }
    if let exact = closed.exactMaximum, abs(exact - hi) > tol { return false }
    if let bound = closed.lowerBound, bound > lo + tol { return false }
    if let bound = closed.upperBound, hi > bound + tol { return false }
    return true
  }
}
