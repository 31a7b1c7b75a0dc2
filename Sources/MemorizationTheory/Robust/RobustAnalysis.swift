public import FairnessStatistics
import LinearProgramming

/// What the confidence region lets us conclude about "can memorization reach the target?".
public enum RobustVerdict: String, Sendable, Codable {
  /// One memorization (the witness) reaches the target for every population in the region.
  case certainlyFeasible = "certainly_feasible"
  /// No population in the region admits any memorization (checked Farkas certificate).
  case certainlyInfeasible = "certainly_infeasible"
  /// Neither could be proven at this level and sample size.
  case undetermined
}

/// A memorization and the parameters of the region at which it reaches the target with the
/// least memorized mass the optimistic program allows: the witness of the lower end.
public struct OptimisticWitness: Sendable, Codable, Equatable {
  /// `f[a][y]`, the memorized fraction of each cell.
  public var memorizedFraction: [[Double]]
  /// The confusion rates (inside their intervals) at which `f` reaches the target; nil for rates
  /// the metric does not use.
  public var confusion: [[[Double?]]]
  /// SP: the base rates `P(Y | A)` (inside their intervals, rows summing to 1).
  public var baseRates: [[Double]]?
  /// The largest |entry| recomputed from these parameters and `f` by the mixture rule.
  public var residual: Double
  /// Whether every parameter lies in its interval and `residual <= tolerance + 1e-8`.
  public var verified: Bool

  enum CodingKeys: String, CodingKey {
    case memorizedFraction = "memorized_fraction"
    case confusion
    case baseRates = "base_rates"
    case residual, verified
  }
}

/// One memorization that reaches the target for every population in the region.
public struct RobustWitness: Sendable, Codable, Equatable {
  /// `f[a][y]`, the memorized fraction of each cell.
  public var memorizedFraction: [[Double]]
  /// The largest |entry| over the whole region, computed directly (corners of the rate
  /// intervals; greedy extremes over the base-rate box), not from the program's duals.
  public var worstCaseGap: Double
  /// The largest memorized mass `Σ p f` over the cell-mass box (with `Σ p <= 1`).
  public var worstCaseMass: Double
  /// `worstCaseGap <= tolerance + 1e-8`.
  public var verified: Bool

  enum CodingKeys: String, CodingKey {
    case memorizedFraction = "memorized_fraction"
    case worstCaseGap = "worst_case_gap"
    case worstCaseMass = "worst_case_mass"
    case verified
  }
}

/// A checked proof that no population in the region admits a memorization reaching the target.
public struct RobustCertificate: Sendable, Codable, Equatable {
  /// Farkas multipliers for the optimistic program's rows (`rowLabels`).
  public var rowLabels: [String]
  public var multipliers: [Double]
  /// `L(y) - U(y)` recomputed by `FarkasCertificate.verify(against:)` on the optimistic program.
  public var gap: Double
  public var verified: Bool

  enum CodingKeys: String, CodingKey {
    case rowLabels = "row_labels"
    case multipliers, gap, verified
  }
}

/// The least memorized mass over the confidence region: `[lower, upper]` contains the least
/// mass of every population in the region that admits a memorization.
public struct MassInterval: Sendable, Codable, Equatable {
  /// The optimistic program's optimum (witness: `lowerWitness`).
  public var lower: Double
  /// A valid upper end, nil when some population of the region may admit no memorization.
  public var upper: Double?
  /// How the upper end was obtained: `robust_memorization` (the mass the robust witness needs in
  /// the worst case) or `closed_form_supremum` (R6's least mass maximized over the region: each
  /// term grows with its own miss rate and falls with the smallest one, so the supremum is at a
  /// corner where one group sits at its lower end and the others at their upper ends).
  public var upperSource: String?
  public var lowerWitness: OptimisticWitness

  enum CodingKeys: String, CodingKey {
    case lower, upper
    case upperSource = "upper_source"
    case lowerWitness = "lower_witness"
  }
}

/// The smallest scaling of the counts (same proportions) found to make the verdict determinate.
public struct SettlingScale: Sendable, Codable, Equatable {
  /// The factor applied to every count.
  public var scale: Double
  /// `N · scale` (rounded per cell).
  public var records: Int
  /// The verdict at that size.
  public var verdict: RobustVerdict
}

/// The frequentist robust answer for one metric.
public struct RobustAnswer: Sendable, Codable, Equatable {
  public var verdict: RobustVerdict
  public var minMassInterval: MassInterval?
  public var robustWitness: RobustWitness?
  public var certificate: RobustCertificate?
  /// Nil when the verdict is already determinate or no scale up to `2^20` settles it.
  public var settling: SettlingScale?
  public var region: ConfidenceRegion
  public var notes: [String]

  enum CodingKeys: String, CodingKey {
    case verdict
    case minMassInterval = "min_mass_interval"
    case robustWitness = "robust_witness"
    case certificate, settling, region, notes
  }
}

/// Robust (confidence-region) answers from counts. See `Docs/robust.md`.
public enum RobustAnalysis {
  /// Certificates and witnesses are accepted up to GLPK's precision, as in `MemorizationAnalysis`.
  static let checkTolerance = MemorizationAnswer.witnessTolerance

  /// The verdict, mass interval, witnesses and certificate at `level` for counts `n[a][y][yh]`.
  ///
  /// - Parameters:
  ///   - settle: for an `undetermined` verdict, also search the smallest count scaling that
  ///     settles it (doubling from 2 up to 2^20, then 12 bisection steps; the verdict is not
  ///     proven monotone in the scale, so this is the first settling scale the search meets).
  /// - Throws: `StatisticsError` for a cell the metric needs without records,
  ///   `LPFailure` when GLPK fails.
  public static func analyze(
    _ statistics: PopulationStatistics<Double>, metric: FairnessMetric, options: MetricOptions, level: Double,
    settle: Bool = true
  ) throws -> RobustAnswer {
    guard metric.isGapVector else {
      throw StatisticsError(field: "metric", problem: "\(metric.rawValue) is not one of sp, eopp, eodds")
    }
    guard let n = statistics.counts else {
      throw StatisticsError(
        field: "counts",
        problem: "robust answers need integer counts (field \"counts\", or rates with \"sample_sizes\")")
    }
    guard statistics.capIsPopulation else {
      throw StatisticsError(field: "cap", problem: "robust answers assume every cell can be memorized; drop the cap")
    }
    guard level > 0 && level < 1 else {
      throw StatisticsError(field: "level", problem: "must be in (0, 1), got \(level)")
    }
    let keys = statistics.rateKeys(for: metric, options: options)
    let model = CountModel(
      origin: statistics.countsOrigin, unmemorized: statistics.unmemorizedPrediction, metric: metric, keys: keys,
      options: options)
    var answer = try decide(counts: n, model, level: level)
    if settle, answer.verdict == .undetermined, metric == .statisticalParity, options.tolerance == 0,
      try MemorizationAnalysis.analyze(statistics, metric: metric, options: options, certificate: false).feasible
    {
      // Exact zero SP is certainly feasible only when no memorization is needed for any base
      // rates (the group rates do not depend on them); otherwise uncertain base rates cannot be
      // matched exactly, and the point estimate, which lies in every region, is feasible: no
      // size settles it.
      answer.notes.append(
        "exact zero SP can never be certainly feasible and the point estimate is feasible, so no sample size settles the verdict; give a tolerance"
      )
    } else if settle, answer.verdict == .undetermined {
      answer.settling = try settlingScale(counts: n, model, level: level)
      if answer.settling == nil {
        answer.notes.append("no count scaling up to 2^20 settles the verdict (the point estimate may sit on the edge)")
      }
    }
    return answer
  }

  /// What a robust answer needs besides the counts and the level.
  struct CountModel {
    var origin: CountsOrigin
    /// Convention A's `s[a][yh]` (nil: convention B).
    var unmemorized: [[Double]]?
    var metric: FairnessMetric
    var keys: [RateKey]
    var options: MetricOptions
  }

  /// The verdict without the settling search.
  static func decide(counts n: [[[Int]]], _ model: CountModel, level: Double) throws -> RobustAnswer {
    let g = n.count
    let k = n[0].count
    let metric = model.metric
    let keys = model.keys
    let options = model.options
    let region = try ConfidenceRegion.build(
      counts: n, origin: model.origin, metric: metric, keys: keys, level: level,
      givenUnmemorized: model.unmemorized != nil)
    let programs = RobustPrograms(
      region: region, metric: metric, keys: keys, tolerance: options.tolerance, groups: g, classes: k,
      unmemorized: model.unmemorized)
    var answer = RobustAnswer(verdict: .undetermined, region: region, notes: [])

    // Optimistic program: infeasible means certainly infeasible; else the lower end.
    let (optimistic, layout) = programs.optimisticProgram()
    guard let optimum = try optimisticOptimum(optimistic, layout, programs: programs, into: &answer) else {
      return answer
    }
    let witness = optimisticWitness(optimum.values, layout: layout, programs: programs)
    // A lower end below the solver's precision is reported as 0 (still a lower bound): the
    // simplex ends an optimum of 0 at, e.g., 4e-28 depending on its basis.
    let lower = optimum.objective > Self.massNoise ? optimum.objective : 0
    answer.minMassInterval = MassInterval(lower: lower, lowerWitness: witness)

    // Robust program: feasible (and checked) means certainly feasible; its mass is an upper end.
    // GLPK satisfies rows to about 1e-7, so a memorization on the edge of the program can miss the
    // direct check by rounding; it is then solved once more with eps tightened by twice the miss
    // (a stricter target, so a witness that passes is still a witness for eps). The SP program
    // adds up the rounding of several rows (cuts and pair rows), so it starts with eps tightened
    // by `spRoundingMargin` and rarely needs the second solve.
    var programTolerance = options.tolerance
    if metric == .statisticalParity, options.tolerance > 100 * spRoundingMargin {
      programTolerance -= spRoundingMargin
    }
    for attempt in 0..<2 {
      var tightened = programs
      tightened.tolerance = programTolerance
      guard
        let (solution, robustLayout) = try tightened.solveRobustProgram(
          options: SimplexOptions(method: .dual, wantsCertificate: false))
      else { break }
      let t = (0..<g).map { a in
        (0..<k).map { y in robustLayout.t[a][y].map { min(max(solution.values[$0], 0), 1) } ?? 1 }
      }
      let gap = programs.worstCaseGap(unmemorized: t)
      guard let mass = programs.worstCaseMass(unmemorized: t) else { break }
      let witness = RobustWitness(
        memorizedFraction: t.map { $0.map { 1 - $0 } }, worstCaseGap: gap, worstCaseMass: mass,
        verified: gap <= options.tolerance + checkTolerance)
      if witness.verified {
        answer.robustWitness = witness
        answer.verdict = .certainlyFeasible
        answer.minMassInterval?.upper = mass
        answer.minMassInterval?.upperSource = "robust_memorization"
        if attempt > 0 {
          answer.notes.removeLast()  // the first attempt's miss, now absorbed
          answer.notes.append(
            "the robust program was solved again with eps \(programTolerance) to absorb the solver's rounding")
        }
        break
      }
      // The first memorization is what is reported if the stricter program finds none.
      if attempt == 0 {
        answer.robustWitness = witness
        answer.notes.append("the robust program's memorization failed the direct worst-case check (gap \(gap))")
      }
      let miss = gap - options.tolerance
      let retry = options.tolerance - 2 * miss - checkTolerance
      guard attempt == 0, miss <= 1e-6, retry > 0 else { break }
      programTolerance = retry
    }
    if answer.verdict == .certainlyFeasible, let supremum = closedFormSupremum(programs, tolerance: options.tolerance),
      supremum < answer.minMassInterval?.upper ?? .infinity
    {
      answer.minMassInterval?.upper = supremum
      answer.minMassInterval?.upperSource = "closed_form_supremum"
    }
    return answer
  }

  /// The optimistic program's optimum and a solution (by group columns when
  /// `programs.usesGroupColumns` and they succeed, else GLPK on the whole program), or nil when
  /// it is infeasible: then the checked certificate (verdict certainly infeasible) or a note is
  /// recorded in `answer`.
  static func optimisticOptimum(
    _ optimistic: LinearProgram, _ layout: RobustPrograms.OptimisticLayout, programs: RobustPrograms,
    into answer: inout RobustAnswer
  ) throws -> (objective: Double, values: [Double])? {
    if programs.usesGroupColumns,
      let optimum = try programs.solveOptimisticByGroupColumns(
        layout: layout, variableCount: optimistic.variables.count)
    {
      return optimum
    }
    switch try solveByBlocks(optimistic, options: SimplexOptions(method: .dual, wantsCertificate: true)) {
    case .unbounded:
      preconditionFailure("the optimistic program is bounded: every variable lies in a box")
    case .infeasible(let farkas):
      guard let farkas else {
        answer.notes.append("the optimistic program is infeasible but GLPK returned no certificate")
        return nil
      }
      let gap = farkas.verify(against: optimistic)
      answer.certificate = RobustCertificate(
        rowLabels: optimistic.constraints.map(\.name), multipliers: farkas.rowMultipliers, gap: gap,
        verified: MemorizationAnswer.provesInfeasibility(floatingGap: gap))
      if answer.certificate?.verified == true {
        answer.verdict = .certainlyInfeasible
      } else {
        answer.notes.append("the optimistic program's infeasibility certificate did not verify (gap \(gap))")
      }
      return nil
    case .optimal(let solution):
      return (solution.objective, solution.values)
    }
  }

  /// Optimistic optima at or below this mass are rounding noise of an optimum of 0; the lower end
  /// is then reported as 0, which is still a lower bound.
  static let massNoise = 1e-12

  /// How much the SP robust program tightens eps before its first solve (see `decide`).
  static let spRoundingMargin = 1e-6

  /// Reads the lower-end witness back from the lifted variables and re-checks it.
  static func optimisticWitness(_ values: [Double], layout: RobustPrograms.OptimisticLayout, programs: RobustPrograms)
    -> OptimisticWitness
  {
    let g = programs.groups
    let k = programs.classes
    let region = programs.region
    let eps = programs.tolerance
    var confusion: [[[Double?]]] = Array(
      repeating: Array(repeating: Array(repeating: nil, count: k), count: k), count: g)
    var inside = true
    func clamp(_ value: Double, _ interval: ProportionInterval) -> Double {
      if value < interval.lower - checkTolerance || value > interval.upper + checkTolerance { inside = false }
      return min(max(value, interval.lower), interval.upper)
    }
    if programs.metric == .statisticalParity {
      // Convention A: the given law of the unmemorized predictions (not read from the program).
      var unmemorizedLaw: [[Double]] = []
      var fraction = Array(repeating: Array(repeating: 0.0, count: k), count: g)
      var pi = Array(repeating: Array(repeating: 0.0, count: k), count: g)
      for a in 0..<g {
        for y in 0..<k {
          let z = max(values[layout.z[a][y]], 0)
          let s = max(values[layout.s[a][y]], 0)
          pi[a][y] = z + s
          fraction[a][y] = pi[a][y] > 1e-12 ? z / pi[a][y] : 0
          for yh in 0..<k {
            guard let u = layout.u[a][y][yh], let interval = region.confusion[a][y][yh] else { continue }
            confusion[a][y][yh] = s > 1e-12 ? clamp(u.lower + values[u.excess] / s, interval) : interval.lower
          }
        }
        if let base = region.baseRate?[a] { for y in 0..<k { _ = clamp(pi[a][y], base[y]) } }
        if let s = programs.unmemorized { unmemorizedLaw.append(s[a]) }
        if abs(pi[a].reduce(0, +) - 1) > checkTolerance { inside = false }
      }
      // Group rates by the mixture rule: the memorized share predicts its label, the rest its
      // confusion row (B) or the group's unmemorized law s[a] (A).
      var residual = 0.0
      for key in programs.keys {
        let yh = key.predictedClass
        let rates = (0..<g).map { a -> Double in
          var rate = 0.0
          for y in 0..<k {
            let f = fraction[a][y]
            let target: Double = y == yh ? 1 : 0
            let base: Double = unmemorizedLaw.isEmpty ? (confusion[a][y][yh] ?? 0) : unmemorizedLaw[a][yh]
            rate += pi[a][y] * (f * target + (1 - f) * base)
          }
          return rate
        }
        for a in 0..<g { for b in 0..<g { residual = max(residual, abs(rates[a] - rates[b])) } }
      }
      return OptimisticWitness(
        memorizedFraction: fraction, confusion: confusion, baseRates: pi, residual: residual,
        verified: inside && residual <= eps + checkTolerance)
    }
    var fraction = Array(repeating: Array(repeating: 0.0, count: k), count: g)
    for a in 0..<g {
      for y in 0..<k { if let t = layout.t[a][y] { fraction[a][y] = 1 - min(max(values[t], 0), 1) } }
    }
    for (j, key) in programs.keys.enumerated() {
      guard let y = key.trueClass else { continue }
      for a in 0..<g {
        guard let interval = region.confusion[a][y][key.predictedClass] else { continue }
        let t = 1 - fraction[a][y]
        let shift = y == key.predictedClass ? 1.0 : 0.0
        confusion[a][y][key.predictedClass] =
          t > 1e-12
          ? clamp(layout.v[j][a].lower + values[layout.v[j][a].excess] / t + shift, interval)
          : (interval.lower + interval.upper) / 2
      }
    }
    var residual = 0.0
    for key in programs.keys {
      guard let y = key.trueClass else { continue }
      let yh = key.predictedClass
      let target: Double = y == yh ? 1 : 0
      let rates = (0..<g).map { a -> Double in
        let f = fraction[a][y]
        let base: Double = confusion[a][y][yh] ?? 0
        return f * target + (1 - f) * base
      }
      for a in 0..<g { for b in 0..<g { residual = max(residual, abs(rates[a] - rates[b])) } }
    }
    return OptimisticWitness(
      memorizedFraction: fraction, confusion: confusion, baseRates: nil, residual: residual,
      verified: inside && residual <= eps + checkTolerance)
  }

  /// For metrics where every compared cell (a, y) has one movable rate `w` (EOpp; EOdds with a
  /// favorable class or two classes), R6 gives the least mass
  /// `Σ_y Σ_a p[a][y] (W_a - min_b W_b - eps)_+ / W_a` with `W = |w|`. Each term grows with `W_a`
  /// and `p[a][y]` and falls with the minimum, so over the region the supremum is attained with
  /// one group b at its lower end `WL_b`, the others at their upper ends, and masses at their
  /// upper ends: the largest of these G corners per class. Nil when the structure does not hold.
  static func closedFormSupremum(_ programs: RobustPrograms, tolerance eps: Double) -> Double? {
    guard programs.metric != .statisticalParity else { return nil }
    let g = programs.groups
    var total = 0.0
    for y in 0..<programs.classes {
      let classKeys = programs.keys.filter { $0.trueClass == y }
      guard let first = classKeys.first else { continue }
      var lower: [Double] = []
      var upper: [Double] = []
      var mass: [Double] = []
      for a in 0..<g {
        let intervals = classKeys.map { key -> (Double, Double) in
          let w = programs.movableInterval(group: a, key: key)
          return w.lower >= 0 ? (w.lower, w.upper) : (-w.upper, -w.lower)
        }
        guard intervals.allSatisfy({ abs($0.0 - intervals[0].0) < 1e-15 && abs($0.1 - intervals[0].1) < 1e-15 })
        else { return nil }
        lower.append(intervals[0].0)
        upper.append(intervals[0].1)
        guard let y0 = first.trueClass, let p = programs.region.cellMass[a][y0] else { return nil }
        mass.append(p.upper)
      }
      var best = 0.0
      for b in 0..<g {
        let w = (0..<g).map { $0 == b ? lower[$0] : upper[$0] }
        guard let smallest = w.min() else { continue }
        let value = (0..<g).reduce(0.0) { sum, a in
          w[a] > 0 ? sum + mass[a] * max(0, w[a] - smallest - eps) / w[a] : sum
        }
        best = max(best, value)
      }
      total += best
    }
    return total
  }

  /// Doubling then bisection on the count scale until the verdict is determinate.
  static func settlingScale(counts n: [[[Int]]], _ model: CountModel, level: Double) throws -> SettlingScale? {
    func verdict(_ scale: Double) throws -> (RobustVerdict, Int) {
      let scaled = n.map { $0.map { $0.map { Int((Double($0) * scale).rounded()) } } }
      let records = scaled.joined().joined().reduce(0, +)
      return (try decide(counts: scaled, model, level: level).verdict, records)
    }
    var low = 1.0
    var found: (Double, RobustVerdict, Int)? = nil
    var scale = 2.0
    while scale <= 1_048_576 {
      let (v, records) = try verdict(scale)
      if v != .undetermined {
        found = (scale, v, records)
        break
      }
      low = scale
      scale *= 2
    }
    guard var (high, settled, records) = found else { return nil }
    for _ in 0..<12 {
      let mid = (low + high) / 2
      let (v, r) = try verdict(mid)
      if v == .undetermined {
        low = mid
      } else {
        (high, settled, records) = (mid, v, r)
      }
    }
    return SettlingScale(scale: high, records: records, verdict: settled)
  }
}
