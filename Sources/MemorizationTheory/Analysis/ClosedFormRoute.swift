public import FairnessStatistics

/// How `MemorizationAnalysis.analyze` finds the least and most mass.
public enum AnswerRoute: Sendable, Equatable {
  /// Always GLPK: the least- and most-mass LPs and, for infeasible answers, the certificate LP.
  case linearProgram
  /// The exact closed forms where the theory gives the optimum, GLPK everywhere else:
  /// R6 (equal opportunity) and R7 (equalized odds) with the cap equal to the population, and
  /// R5b (`SingleRowParity`: statistical parity with two groups and one independent row). Both
  /// witnesses are still re-checked with R0 (`MixtureRule`), certificates with
  /// `MemorizationProgram.farkasGap`; an answer that fails a check, or lies within 1e-9 of the
  /// feasibility edge, is computed by GLPK instead.
  case closedFormWhereExact
}

extension MemorizationAnalysis {
  /// How close to zero a closed-form Farkas gap may be before GLPK (with its exact-simplex
  /// re-decision) decides the instance instead.
  static let closedFormEdge = 1e-9

  /// The answer from the closed forms, or nil when none gives the exact optimum here or its
  /// checks fail (the caller then solves the LPs). No LP is built: the answer's row labels are
  /// `MemorizationProgram.rowLabels`, the same as the LP route's.
  static func closedFormAnswer(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions,
    closed: ClosedFormBounds<Double>, certificate: Bool
  ) -> MemorizationAnswer? {
    // Made only once the closed form answers (its row labels cost string building; most
    // instances a closed form does not cover go to GLPK, which labels its own rows).
    func unansweredHere() -> MemorizationAnswer {
      unanswered(
        statistics, metric: metric, options: options, closed: closed,
        rows: MemorizationProgram.rowLabels(statistics: statistics, metric: metric, options: options))
    }
    let least: (mass: Double, x: [[Double]])
    let most: (mass: Double, x: [[Double]])
    let rule: String
    switch metric {
    case .equalOpportunity, .equalizedOdds:
      // R6/R7 give an exact minimum with its witness, and (cap = population) the maximum:
      // memorize everything, which sets every cell rate to the identity.
      guard let minimum = closed.exactMinimum, let witness = closed.minimumWitness, let maximum = closed.exactMaximum
      else { return nil }
      least = (minimum, witness)
      most = (maximum, statistics.cap)
      rule = closed.rules.joined(separator: ", ")
    case .statisticalParity:
      guard let form = SingleRowParity(statistics, options: options) else {
        // More groups or classes: no closed-form optimum, but often a separating direction
        // proves the instance infeasible (`ParitySeparation`); everything else goes to GLPK.
        guard
          let separation = ParitySeparation.find(statistics, options: options, minimumMargin: closedFormEdge)
        else { return nil }
        let (entries, multipliers) = separation.certificateEntries(statistics, options: options)
        return infeasibleAnswer(
          unansweredHere(), statistics, options: options, closed: closed, rule: "R4 separation",
          entries: entries, multipliers: multipliers,
          gap: MemorizationProgram.farkasGap(
            statistics: statistics, options: options, entries: entries, multipliers: multipliers),
          attachCertificate: certificate)
      }
      rule = "R5b"
      // The Farkas gap of the one row is the shortfall: positive exactly when out of reach.
      let z = form.infeasibilityMultiplier
      let gap = MemorizationProgram.farkasGap(
        statistics: statistics, options: options, entries: [form.entry], multipliers: [z])
      guard abs(gap) > closedFormEdge else { return nil }
      guard let low = form.leastMass() else {
        // Without a tolerance the certificate speaks of the LP rows, as GLPK's does (the other
        // row, if any, gets multiplier 0, which leaves the gap as computed above); with one, of
        // the pair with a nonzero multiplier.
        let entries =
          MemorizationProgram<Double>.defaultRows(options) == .referencePairs
          ? statistics.referenceEntries(for: metric, options: options) : [form.entry]
        return infeasibleAnswer(
          unansweredHere(), statistics, options: options, closed: closed, rule: rule, entries: entries,
          multipliers: entries.map { $0 == form.entry ? z : 0 }, gap: gap, attachCertificate: certificate)
      }
      guard gap < 0, let high = form.mostMass() else { return nil }
      least = (low.mass, low.x)
      most = (high.mass, high.x)
    default:
      return nil
    }
    let mixture = MixtureRule(statistics)
    let residual = max(
      mixture.largestGap(metric, options: options, memorized: least.x),
      mixture.largestGap(metric, options: options, memorized: most.x))
    // Off the edge of feasibility only: at the edge GLPK and its exact re-decision answer.
    guard residual <= options.tolerance + closedFormEdge, withinCaps(least.x, statistics),
      withinCaps(most.x, statistics)
    else { return nil }
    var answer = unansweredHere()
    answer.feasible = true
    answer.minMass = least.mass
    answer.maxMass = most.mass
    answer.witness = least.x
    answer.maxWitness = most.x
    answer.residual = residual
    answer.witnessVerified = true
    answer.notes.append(
      "least and most mass from the closed form \(rule) (no LP solved); witnesses re-checked with R0")
    answer.closedFormAgrees = agreement(answer, closed)
    return answer
  }

  /// An infeasible answer from a closed-form route, or nil when `gap`, the multipliers' Farkas
  /// gap computed by the caller with `MemorizationProgram.farkasGap` (the theory's own affine
  /// forms), does not prove infeasibility beyond the witness margin and `closedFormEdge` (the
  /// caller then solves the LPs; the unanswered answer is then never made). The certificate is
  /// attached when asked for. At zero tolerance the entries are the
  /// program's rows (the reference entries, labelled as the answer's constrained entries).
  private static func infeasibleAnswer(
    _ unanswered: @autoclosure () -> MemorizationAnswer, _ statistics: PopulationStatistics<Double>,
    options: MetricOptions, closed: ClosedFormBounds<Double>, rule: String, entries: [MetricEntry],
    multipliers: [Double], gap: Double, attachCertificate: Bool
  ) -> MemorizationAnswer? {
    guard MemorizationAnswer.provesInfeasibility(floatingGap: gap), gap > closedFormEdge else { return nil }
    var answer = unanswered()
    if attachCertificate {
      let labels =
        MemorizationProgram<Double>.defaultRows(options) == .referencePairs
        ? answer.constrainedEntries
        : entries.map { $0.label(groups: statistics.groups, classes: statistics.classes) }
      answer.certificate = InfeasibilityCertificate(
        entries: entries, rowLabels: labels, multipliers: multipliers, gap: gap, verified: true, exactGap: nil)
    }
    answer.notes.append(
      "infeasibility from the closed form \(rule) (no LP solved); certificate checked by the Farkas gap")
    answer.closedFormAgrees = agreement(answer, closed)
    return answer
  }
}
