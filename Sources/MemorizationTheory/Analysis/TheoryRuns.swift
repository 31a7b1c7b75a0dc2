public import FairnessStatistics
public import LinearProgramming

/// One metric of a full analysis: the checked answer, a short frontier up to the least zero-bias
/// mass (or the whole memorizable mass), and with counts the integer version.
public struct MetricAnalysis: Sendable {
  public var answer: MemorizationAnswer
  public var frontier: [FrontierPoint]
  public var integer: IntegerMemorizationAnswer?
  /// The robust answer at level 0.95 (count inputs only; see `Docs/robust.md`).
  public var robust: RobustSection?
}

/// What `fairmem analyze` computes: the base classifier's bias report and every metric's analysis.
public struct FullAnalysis: Sendable {
  public var statistics: PopulationStatistics<Double>
  /// The classifier as it is (nothing memorized), summaries for the favorable class.
  public var base: BiasReport<Double>
  public var metrics: [MetricAnalysis]
}

/// The frontier of one metric.
public struct MetricFrontier: Codable, Sendable, Equatable {
  public var metric: FairnessMetric
  public var points: [FrontierPoint]
}

extension MemorizationAnalysis {
  /// The full report for the given gap vectors (`fairmem analyze`): the base bias report; for
  /// each metric the checked answer (`analyze`), a frontier of `frontierPoints` evenly spaced
  /// budgets up to the least zero-bias mass (or the total memorizable mass when zero bias is
  /// impossible), and with counts the integer minimum at the tolerance whole records can always
  /// meet (`roundingTolerance`, or the requested tolerance when larger).
  ///
  /// - Precondition: every metric is a gap vector; `frontierPoints >= 2`.
  /// - Throws: `LPFailure` when GLPK fails.
  public static func fullAnalysis(
    _ statistics: PopulationStatistics<Double>, metrics: [FairnessMetric], options: MetricOptions,
    exactStatistics: PopulationStatistics<Rational>? = nil, frontierPoints: Int
  ) throws(LPFailure) -> FullAnalysis {
    var results: [MetricAnalysis] = []
    for metric in metrics {
      let answer = try analyze(statistics, metric: metric, options: options, exactStatistics: exactStatistics)
      let curve = try frontier(
        statistics, metric: metric, favorableClass: options.favorableClass,
        budgets: evenlySpacedBudgets(upTo: answer.minMass ?? statistics.totalCap, count: frontierPoints))
      var wholeRecordTolerance = 0.0
      if let counts = statistics.counts {
        wholeRecordTolerance = roundingTolerance(
          statistics, metric: metric, favorableClass: options.favorableClass,
          records: counts.joined().joined().reduce(0, +))
      }
      let integer = try integerMinimum(
        statistics, metric: metric,
        options: MetricOptions(
          favorableClass: options.favorableClass, tolerance: max(options.tolerance, wholeRecordTolerance)))
      let robust = try RobustAnalysis.section(statistics, metric: metric, options: options)
      results.append(MetricAnalysis(answer: answer, frontier: curve, integer: integer, robust: robust))
    }
    return FullAnalysis(
      statistics: statistics, base: statistics.biasReport(favorableClass: options.favorableClass),
      metrics: results)
  }

  /// The checked answer for each metric (`fairmem feasible` and `bounds`).
  ///
  /// - Throws: `LPFailure` when GLPK fails.
  public static func answers(
    _ statistics: PopulationStatistics<Double>, metrics: [FairnessMetric], options: MetricOptions,
    exactStatistics: PopulationStatistics<Rational>? = nil, certificate: Bool = true,
    route: AnswerRoute = .linearProgram
  ) throws(LPFailure) -> [MemorizationAnswer] {
    var answers: [MemorizationAnswer] = []
    for metric in metrics {
      answers.append(
        try analyze(
          statistics, metric: metric, options: options, exactStatistics: exactStatistics, certificate: certificate,
          route: route))
    }
    return answers
  }

  /// The mass-vs-bias frontier of each metric at `points` evenly spaced budgets from 0 to
  /// `maxBudget` (default: the least zero-bias mass when zero bias is possible, otherwise the
  /// total memorizable mass) (`fairmem frontier`).
  ///
  /// - Precondition: `points >= 2`; `maxBudget` in [0, 1] when given.
  /// - Throws: `LPFailure` when GLPK fails.
  public static func frontiers(
    _ statistics: PopulationStatistics<Double>, metrics: [FairnessMetric], favorableClass: Int?, points: Int,
    maxBudget: Double? = nil
  ) throws(LPFailure) -> [MetricFrontier] {
    var curves: [MetricFrontier] = []
    for metric in metrics {
      var limit = statistics.totalCap
      if let maxBudget {
        limit = maxBudget
      } else if let minimum = try analyze(
        statistics, metric: metric, options: MetricOptions(favorableClass: favorableClass), certificate: false
      ).minMass {
        limit = minimum
      }
      let curve = try frontier(
        statistics, metric: metric, favorableClass: favorableClass,
        budgets: evenlySpacedBudgets(upTo: limit, count: points))
      curves.append(MetricFrontier(metric: metric, points: curve))
    }
    return curves
  }
}

/// One metric entry written as an affine form in the memorized masses (`fairmem explain`).
public struct EntryExplanation<T: FieldScalar>: Sendable {
  public var metric: FairnessMetric
  /// The entry's label, e.g. `sp[female-male][>50K]`.
  public var label: String
  /// `constant + Σ coefficients[a][y] x[a][y]` (R1-R3).
  public var form: AffineForm<T>
}

extension PopulationStatistics {
  /// Every entry of the given gap vectors as an affine form in x (R1-R3), in metric then entry
  /// order. With `Rational` statistics (from counts) the coefficients are exact.
  public func explanations(metrics: [FairnessMetric], options: MetricOptions) -> [EntryExplanation<T>] {
    var result: [EntryExplanation<T>] = []
    forEachExplanation(metrics: metrics, options: options) { result.append($0) }
    return result
  }

  /// Calls `body` with every entry of the given gap vectors as an affine form in x, in the order
  /// of `explanations(metrics:options:)`, without holding them all: there are G(G-1)/2 entries
  /// per rate. Each rate's form is built once per group and entries are differences of two of
  /// them (`entryForm` would rebuild both forms for each of the G - 1 pairs a group is in).
  public func forEachExplanation(
    metrics: [FairnessMetric], options: MetricOptions, _ body: (EntryExplanation<T>) throws -> Void
  ) rethrows {
    for metric in metrics {
      for key in rateKeys(for: metric, options: options) {
        let defined = groupsDefining(key)
        let forms = defined.map { rateForm(key, group: $0) }
        for i in defined.indices {
          for j in (i + 1)..<defined.count {
            let entry = MetricEntry(metric: metric, rate: key, first: defined[i], second: defined[j])
            try body(
              EntryExplanation(
                metric: metric, label: entry.label(groups: groups, classes: classes), form: forms[i] - forms[j]))
          }
        }
      }
    }
  }
}
