import FairnessData
public import FairnessStatistics
import MemorizationTheory
import SeededRandom

/// What `TheoryValidator` runs besides the lookup memorizer, and how strict it is.
public struct ValidationSettings: Sendable {
  /// Random memorizations (random `m[a][y]`, random members) per population for the R1-R3 check.
  public var randomMemorizations: Int
  /// Standard deviations of the hypergeometric band for uniform selection.
  public var z: Double
  /// Radii of the nearest-neighbour memorizer (standardized units); empty to skip it.
  public var radii: [Double]
  /// Whether to train the interpolating MLP memorizer (the slowest part).
  public var interpolatingMLP: Bool
  /// Options of the interpolating MLP.
  public var mlpOptions: InterpolatingMLPMemorizer.Options
  /// Whether to keep every compared metric entry (`PopulationValidation.entries`). It also runs
  /// the nearest-neighbour memorizer at every random memorization and the MLP at the random
  /// memorizations with uniform selection (with a separate generator, so every other result is
  /// the same as without it).
  public var recordEntries: Bool

  /// Creates settings; defaults: 3 random memorizations, z = 5, radii 0 and 0.5, MLP on, no entries.
  public init(
    randomMemorizations: Int = 3, z: Double = 5, radii: [Double] = [0, 0.5], interpolatingMLP: Bool = true,
    mlpOptions: InterpolatingMLPMemorizer.Options = .init(), recordEntries: Bool = false
  ) {
    self.randomMemorizations = randomMemorizations
    self.z = z
    self.radii = radii
    self.interpolatingMLP = interpolatingMLP
    self.mlpOptions = mlpOptions
    self.recordEntries = recordEntries
  }
}

/// The validation of one metric on one population: the theory's least-mass zero-bias answer and
/// what the memorizers realizing it measure.
public struct MetricValidation: Sendable {
  /// The metric (all classes, all pairs of groups, tolerance 0).
  public var metric: FairnessMetric
  /// Largest |entry| of the base classifier.
  public var baseGap: Double
  /// Whether the theory (LP, convention B) says zero bias is reachable.
  public var feasible: Bool
  /// The least memorized mass `min Σ x` (nil when infeasible).
  public var minMass: Double?
  /// Whether the LP witness passed the theory's own R0 re-check.
  public var witnessVerified: Bool?
  /// Whether the Farkas certificate of an infeasible answer was checked positive.
  public var certificateVerified: Bool?
  /// Whole records memorized, `Σ round(x N)`, and that as a fraction of `N`.
  public var records: Int?
  /// `records / N`.
  public var recordFraction: Double?
  /// Largest |entry| measured by counting with the lookup memorizer, stratified selection.
  public var measuredGapStratified: Double?
  /// The deterministic bound it must respect (rounding + stratification, largest over entries).
  public var boundStratified: Double?
  /// Largest |entry| measured with the lookup memorizer, uniform selection within cells.
  public var measuredGapUniform: Double?
  /// Largest per-entry allowance for it (rounding + z-sigma hypergeometric band).
  public var bandUniform: Double?
  /// Theory's prediction (R1-R3 at `x = m/N` of the set used) for the nearest-neighbour and MLP
  /// runs below: their departure is measured against this.
  public var predictedGapForSet: Double?
  /// Largest |entry| measured with the nearest-neighbour memorizer, one per radius.
  public var nearestNeighbourGaps: [Double]
  /// Whether radius 0 gave exactly the lookup memorizer's predictions.
  public var radiusZeroMatchesLookup: Bool?
  /// Fraction of unmemorized records where the nearest-neighbour memorizer keeps the base
  /// prediction, one per radius (below 1: memorization spilled over to neighbours).
  public var nearestNeighbourOffMemorizedAgreement: [Double] = []
  /// Largest |entry| measured with the interpolating MLP memorizer.
  public var mlpGap: Double?
  /// Fraction of `D` the MLP fits, and fraction of other records where it keeps the base prediction.
  public var mlpMemorizedAccuracy: Double?
  /// See `mlpMemorizedAccuracy`.
  public var mlpOffMemorizedAgreement: Double?
  /// What the MLP fitted on this set (its size, fitted records, width, iterations).
  public var mlpFit: InterpolationFit?
  /// Feasible metrics: whether every entry of the MLP on the LP's set lies within the lookup
  /// memorizer's bound for that set (stratified + rounding, per entry).
  public var mlpWithinBound: Bool?
  /// Feasible metrics: the largest spill-over bound of an entry (`AgreementBand.changed` over the
  /// records where the MLP's prediction differs from the lookup memorizer's).
  public var mlpLargestSpillOver: Double?
  /// Feasible metrics: whether every entry lies within its bound plus its spill-over bound (the
  /// departure is then explained, entry by entry, by the records the MLP predicts differently).
  public var mlpDepartureExplained: Bool?
  /// Feasible metrics: the MLP on the LP's set, entry by entry (its departure from the theory and
  /// the spill-over bound that explains it).
  public var mlpEntries: [SpillOverEntry]?
  /// Feasible metrics: records per cell `[a][y]` whose MLP prediction differs from the lookup
  /// memorizer's on the LP's set (the records the spill-over bound counts).
  public var mlpChangedRecords: [[Int]]?
  /// Infeasible metrics: the smallest |gap| any lookup memorization tried left (must be > 0).
  public var smallestLookupGapTried: Double?
  /// Infeasible metrics: whether every memorizer tried (lookup, nearest neighbour, MLP) stayed biased.
  public var stayedBiasedUnderAll: Bool?
  /// Whether the checks that are theorems (lookup memorizer) passed.
  public var agrees: Bool
}

/// One metric entry of the interpolating MLP on the LP's least-mass set: how far it lies from the
/// theory's zero bias, and how much of that the records it predicts differently from the lookup
/// memorizer can explain.
///
/// With `c[a][y]` such records per cell, the entry lies within `spillOver` =
/// `AgreementBand.changed` (a record moves a cell rate by `1/n[a][y]`, a group rate by `1/n[a]`) of
/// the lookup memorizer's value on the same set, which lies within `bound` of zero (the theorem the
/// validator checks). `withinBound` says the MLP met the lookup's own bound; `explained` says
/// `|measured| <= bound + spillOver`, re-checked by counting.
public struct SpillOverEntry: Sendable, Equatable, Codable {
  /// The entry, e.g. `eopp[female-male][>50K]`.
  public var entry: String
  /// The value measured by counting the MLP's predictions (the theory's value is 0).
  public var measured: Double
  /// The lookup memorizer's bound for this entry (stratified + rounding + witness tolerance).
  public var bound: Double
  /// The spill-over bound of the records predicted differently from the lookup memorizer.
  public var spillOver: Double
  /// `|measured| <= bound`.
  public var withinBound: Bool
  /// `|measured| <= bound + spillOver` (up to 1e-12).
  public var explained: Bool

  enum CodingKeys: String, CodingKey {
    case entry, measured, bound, explained
    case spillOver = "spill_over"
    case withinBound = "within_bound"
  }
}

/// The R1-R3 check at random memorizations for one selection mode.
public struct RandomMemorizationCheck: Sendable {
  /// The selection mode.
  public var mode: MemorizationSetSelector.Mode
  /// Entries compared (over memorizations and metrics).
  public var entriesChecked: Int
  /// Entries whose measured value lay within the band of the predicted one.
  public var entriesWithinBand: Int
  /// Largest |measured - predicted| over all entries.
  public var largestDeviation: Double
  /// Largest |measured - predicted| / band.
  public var largestDeviationOverBand: Double

  /// Whether every entry was within its band.
  public var agrees: Bool { entriesChecked == entriesWithinBand }
}

/// One metric entry of one memorizer on one memorized set: the theory's prediction, the value
/// measured by counting, and the agreement band of the lookup memorizer for that set.
public struct EntryComparison: Sendable {
  /// Which memorizer produced the measured predictions.
  public enum Memorizer: String, Sendable {
    case lookup
    case nearestNeighbour = "nearest-neighbour"
    case mlp
  }
  /// Which memorized set: a random `m[a][y]`, or the LP's least-mass zero-bias witness.
  public enum Setting: String, Sendable {
    case random
    case leastMass = "least-mass"
  }

  /// The memorizer.
  public var memorizer: Memorizer
  /// Radius of the nearest-neighbour memorizer (nil for the others).
  public var radius: Double?
  /// How the set's members were drawn within the cells.
  public var selection: MemorizationSetSelector.Mode
  /// Which memorized set.
  public var setting: Setting
  /// Index of the random memorization within its selection mode (nil for the least-mass set).
  public var memorization: Int?
  /// The metric entry, e.g. `eopp[female-male][>50K]`.
  public var metric: FairnessMetric
  /// See `metric`.
  public var label: String
  /// The theory's value: R1-R3 at `x = m/N` of the set (random sets, and the other memorizers on
  /// the least-mass set), or at the LP witness (lookup on the least-mass set, i.e. 0 up to LP
  /// tolerance).
  public var predicted: Double
  /// The value measured by counting the memorizer's predictions.
  public var measured: Double
  /// The lookup memorizer's allowance for `|measured - predicted|` on this set (the check's band:
  /// stratified bound, or z-sigma hypergeometric, plus rounding for the least-mass set).
  public var band: Double
  /// Nearest-neighbour and MLP entries: the spill-over bound (`AgreementBand.changed`) of the
  /// records whose prediction differs from the lookup memorizer's on the same set, so
  /// `|measured - lookup's measured| <= spillOver`; nil for the lookup memorizer.
  public var spillOver: Double? = nil
}

/// The validation of one population.
public struct PopulationValidation: Sendable {
  /// A name such as `synthetic-17` or `adult`.
  public var name: String
  /// Records `N`, groups `G`, classes `K`.
  public var recordCount: Int
  /// See `recordCount`.
  public var groupCount: Int
  /// See `recordCount`.
  public var classCount: Int
  /// The smallest nonempty cell `min n[a][y]` (sets the size of the rounding bound).
  public var smallestCell: Int
  /// Base classifier accuracy on the population.
  public var baseAccuracy: Double
  /// One per metric: SP, EOpp, EOdds.
  public var metrics: [MetricValidation]
  /// R1-R3 at random memorizations, per selection mode.
  public var randomChecks: [RandomMemorizationCheck]
  /// Every compared entry (only with `ValidationSettings.recordEntries`).
  public var entries: [EntryComparison] = []
  /// What the interpolating MLP fitted at each random memorization with uniform selection (only
  /// with `ValidationSettings.recordEntries`), in the order of the memorizations.
  public var mlpRandomFits: [InterpolationFit] = []

  /// Whether every theorem-level check passed.
  public var agrees: Bool { metrics.allSatisfy(\.agrees) && randomChecks.allSatisfy(\.agrees) }
}

/// Checks the theory against memorizing classifiers on a finite population, by counting.
public enum TheoryValidator {
  /// Validates one population: for each metric, the LP's least-mass zero-bias memorization is
  /// realized by the lookup memorizer (stratified and uniform selection) and measured; random
  /// memorizations check R1-R3 entry by entry; nearest-neighbour and MLP memorizers are measured
  /// against the theory's prediction for the same set (findings, not pass/fail).
  ///
  /// Three phases, in this order (the seeded draws depend on it): ``ValidationRun/randomChecks()``,
  /// then per metric ``ValidationRun/leastMassCheck(_:answer:into:)`` (or the infeasible verdict)
  /// and ``ValidationRun/otherMemorizers(on:metric:feasible:into:)``.
  ///
  /// - Throws: `StatisticsError` (a group without records) or `LPFailure` (GLPK broke down) or
  ///   `ModelError` (MLP training rejected the data).
  public static func validate(
    _ population: EvaluationPopulation, name: String, settings: ValidationSettings = .init(), seed: UInt64
  ) throws -> PopulationValidation {
    var run = try ValidationRun(population, settings: settings, seed: seed)
    let checks = try run.randomChecks()
    // Memorizing everything is one more lookup memorization (the perfect classifier).
    for metric in FairnessMetric.gapVectors {
      run.lookupGapsTried[metric, default: []].append(run.largest(try run.measured(run.labels, metric)))
    }
    var results: [MetricValidation] = []
    for metric in FairnessMetric.gapVectors {
      let answer = try MemorizationAnalysis.analyze(run.base, metric: metric, options: MetricOptions())
      var result = MetricValidation(
        metric: metric, baseGap: run.largest(metricEntries(run.base, metric: metric).map(\.value)),
        feasible: answer.feasible, minMass: answer.minMass, witnessVerified: answer.witnessVerified,
        certificateVerified: answer.certificate?.verified, nearestNeighbourGaps: [], agrees: true)
      let set: [Int]
      if answer.feasible, let witness = answer.witness {
        set = try run.leastMassCheck(witness, answer: answer, into: &result)
      } else {
        let gaps = run.lookupGapsTried[metric] ?? []
        result.smallestLookupGapTried = gaps.min()
        result.agrees = (answer.certificate?.verified ?? false) && gaps.allSatisfy { $0 > 0 }
        set = run.firstRandomSet ?? []
      }
      try run.otherMemorizers(on: set, metric: metric, feasible: answer.feasible, into: &result)
      results.append(result)
    }
    let n = run.n
    let correct = zip(run.labels, population.basePredictions).filter { $0 == $1 }.count
    return PopulationValidation(
      name: name, recordCount: population.recordCount, groupCount: population.dataset.groupCount,
      classCount: population.dataset.classCount, smallestCell: n.joined().filter { $0 > 0 }.min() ?? 0,
      baseAccuracy: Double(correct) / max(run.total, 1), metrics: results, randomChecks: checks, entries: run.entries,
      mlpRandomFits: run.mlpRandomFits)
  }
}

/// The state of one population's validation, shared by its phases: the population and its base
/// statistics, the seeded generators, the lookup gaps tried and the recorded entries.
struct ValidationRun {
  let population: EvaluationPopulation
  let settings: ValidationSettings
  let base: PopulationStatistics<Double>
  let selector: MemorizationSetSelector
  /// Records per cell `n[a][y]`, prediction counts of the base classifier, `N`, labels.
  let n: [[Int]]
  let counts: [[[Int]]]
  let total: Double
  let labels: [Int]
  var rng: SplitMix64
  /// A separate generator for the extra MLP runs of `recordEntries` keeps every other draw unchanged.
  var entryRng: SplitMix64
  var lookupGapsTried: [FairnessMetric: [Double]] = [:]
  var firstRandomSet: [Int]? = nil
  var entries: [EntryComparison] = []
  var mlpRandomFits: [InterpolationFit] = []

  init(_ population: EvaluationPopulation, settings: ValidationSettings, seed: UInt64) throws {
    self.population = population
    self.settings = settings
    rng = SplitMix64(seed: seed)
    base = try population.baseStatistics()
    selector = population.selector
    n = selector.cellCounts
    counts = population.counts(predictions: population.basePredictions).counts
    total = Double(population.recordCount)
    labels = population.dataset.labels
    entryRng = SplitMix64(seed: seed ^ 0x5EED_E17E_5EED_E17E)
  }

  func measured(_ predictions: [Int], _ metric: FairnessMetric) throws -> [Double] {
    metricEntries(try population.statistics(predictions: predictions), metric: metric).map(\.value)
  }
  func mass(_ m: [[Int]]) -> [[Double]] { m.map { $0.map { Double($0) / total } } }
  func realizedCounts(_ records: [Int]) -> [[Int]] {
    var m = n.map { $0.map { _ in 0 } }
    for i in records { m[population.dataset.groups[i]][labels[i]] += 1 }
    return m
  }
  func largest(_ values: [Double]) -> Double { values.reduce(0) { max($0, abs($1)) } }

  mutating func record(
    _ memorizer: EntryComparison.Memorizer, radius: Double? = nil, _ mode: MemorizationSetSelector.Mode,
    _ setting: EntryComparison.Setting, _ index: Int?, _ predicted: [BiasReport<Double>.Entry], _ got: [Double],
    _ bands: [Double], changedFromLookup: [[Int]]? = nil
  ) {
    for ((entry, value), band) in zip(zip(predicted, got), bands) {
      entries.append(
        EntryComparison(
          memorizer: memorizer, radius: radius, selection: mode, setting: setting, memorization: index,
          metric: entry.entry.metric, label: entry.label,
          predicted: entry.value, measured: value, band: band,
          spillOver: changedFromLookup.map { AgreementBand.changed(entry.entry, changed: $0, cellCounts: n) }))
    }
  }

  /// Records per cell `[a][y]` where two classifiers' predictions differ.
  func changedCounts(_ predictions: [Int], from reference: [Int]) -> [[Int]] {
    var changed = n.map { $0.map { _ in 0 } }
    for i in 0..<population.recordCount where predictions[i] != reference[i] {
      changed[population.dataset.groups[i]][labels[i]] += 1
    }
    return changed
  }

  /// Phase 1: R1-R3 entry by entry at random memorizations `m[a][y]`, per selection mode.
  mutating func randomChecks() throws -> [RandomMemorizationCheck] {
    var checks: [RandomMemorizationCheck] = []
    for mode in MemorizationSetSelector.Mode.allCases {
      var check = RandomMemorizationCheck(
        mode: mode, entriesChecked: 0, entriesWithinBand: 0, largestDeviation: 0, largestDeviationOverBand: 0)
      for index in 0..<settings.randomMemorizations {
        let m = n.map { $0.map { rng.uniformIndex(below: $0 + 1) } }
        let chosen = selector.select(counts: m, mode: mode, using: &rng)
        if firstRandomSet == nil { firstRandomSet = chosen }
        let predictions = population.lookup(memorizing: chosen).predictions
        var others: [(EntryComparison.Memorizer, Double?, [Int])] = []
        if settings.recordEntries {
          for radius in settings.radii {
            let nn = NearestNeighbourMemorizer(reference: population.dataset, memorized: chosen, radius: radius)
            others.append(
              (
                .nearestNeighbour, radius,
                nn.predictions(for: population.dataset, basePredictions: population.basePredictions)
              ))
          }
          if settings.interpolatingMLP, mode == .uniform {
            let mlp = try InterpolatingMLPMemorizer(
              population: population.dataset, basePredictions: population.basePredictions, memorized: chosen,
              options: settings.mlpOptions, using: &entryRng)
            others.append((.mlp, nil, mlp.predictions))
            mlpRandomFits.append(mlp.fit)
          }
        }
        for metric in FairnessMetric.gapVectors {
          let predicted = metricEntries(base, metric: metric, memorized: mass(m))
          let got = try measured(predictions, metric)
          lookupGapsTried[metric, default: []].append(largest(got))
          let bands = predicted.map { entry in
            mode == .stratified
              ? AgreementBand.stratified(entry.entry, cellCounts: n) + 1e-12
              : AgreementBand.hypergeometric(entry.entry, counts: counts, memorized: m, z: settings.z)
          }
          if settings.recordEntries {
            record(.lookup, mode, .random, index, predicted, got, bands)
            for (memorizer, radius, otherPredictions) in others {
              record(
                memorizer, radius: radius, mode, .random, index, predicted, try measured(otherPredictions, metric),
                bands, changedFromLookup: changedCounts(otherPredictions, from: predictions))
            }
          }
          for ((entry, value), band) in zip(zip(predicted, got), bands) {
            let deviation = abs(value - entry.value)
            check.entriesChecked += 1
            if deviation <= band { check.entriesWithinBand += 1 }
            check.largestDeviation = max(check.largestDeviation, deviation)
            check.largestDeviationOverBand = max(check.largestDeviationOverBand, deviation / band)
          }
        }
      }
      checks.append(check)
    }
    return checks
  }

  /// Phase 2 (feasible metric): the LP witness realized with whole records, stratified (within
  /// the deterministic bound) and uniform (within rounding plus the hypergeometric band). Returns
  /// the stratified set the other memorizers are measured on.
  mutating func leastMassCheck(_ witness: [[Double]], answer: MemorizationAnswer, into result: inout MetricValidation)
    throws -> [Int]
  {
    let metric = result.metric
    let m = selector.recordCounts(for: witness)
    result.records = m.joined().reduce(0, +)
    result.recordFraction = Double(result.records ?? 0) / total
    let entries = metricEntries(base, metric: metric).map(\.entry)
    // Stratified: deterministic bound.
    let stratifiedSet = selector.select(counts: m, mode: .stratified, using: &rng)
    let gotS = try measured(population.lookup(memorizing: stratifiedSet).predictions, metric)
    let boundsS = entries.map {
      AgreementBand.stratified($0, cellCounts: n) + AgreementBand.rounding($0, cellCounts: n)
        + MemorizationAnswer.witnessTolerance
    }
    result.measuredGapStratified = largest(gotS)
    result.boundStratified = boundsS.max() ?? 0
    let okS = zip(gotS, boundsS).allSatisfy { abs($0) <= $1 }
    // Uniform: rounding plus the hypergeometric band.
    let uniformSet = selector.select(counts: m, mode: .uniform, using: &rng)
    let gotU = try measured(population.lookup(memorizing: uniformSet).predictions, metric)
    let bandsU = entries.map {
      AgreementBand.rounding($0, cellCounts: n) + MemorizationAnswer.witnessTolerance
        + AgreementBand.hypergeometric($0, counts: counts, memorized: m, z: settings.z)
    }
    result.measuredGapUniform = largest(gotU)
    result.bandUniform = bandsU.max() ?? 0
    let okU = zip(gotU, bandsU).allSatisfy { abs($0) <= $1 }
    result.agrees = okS && okU && (answer.witnessVerified ?? false)
    if settings.recordEntries {
      let atWitness = metricEntries(base, metric: metric, memorized: witness)
      record(.lookup, .stratified, .leastMass, nil, atWitness, gotS, boundsS)
      record(.lookup, .uniform, .leastMass, nil, atWitness, gotU, bandsU)
    }
    return stratifiedSet
  }

  /// Phase 3: the nearest-neighbour and interpolating-MLP memorizers on the same set, measured
  /// against the theory's prediction for it (findings).
  mutating func otherMemorizers(
    on set: [Int], metric: FairnessMetric, feasible: Bool, into result: inout MetricValidation
  ) throws {
    let lookupPredictions = population.lookup(memorizing: set).predictions
    let predictedForSet = metricEntries(base, metric: metric, memorized: mass(realizedCounts(set)))
    result.predictedGapForSet = largest(predictedForSet.map(\.value))
    // Entries of the other memorizers on the least-mass set: band of its (stratified) selection.
    let recordSet = settings.recordEntries && feasible
    let setBands = predictedForSet.map { AgreementBand.stratified($0.entry, cellCounts: n) + 1e-12 }
    let inSet = Set(set)
    func offSetAgreement(_ predictions: [Int]) -> Double {
      let off = (0..<population.recordCount).filter { !inSet.contains($0) }
      return off.isEmpty
        ? 1 : Double(off.filter { predictions[$0] == population.basePredictions[$0] }.count) / Double(off.count)
    }
    var others: [Double] = []
    for radius in settings.radii {
      let nn = NearestNeighbourMemorizer(reference: population.dataset, memorized: set, radius: radius)
      let predictions = nn.predictions(for: population.dataset, basePredictions: population.basePredictions)
      if radius == 0 { result.radiusZeroMatchesLookup = predictions == lookupPredictions }
      let got = try measured(predictions, metric)
      let gap = largest(got)
      result.nearestNeighbourGaps.append(gap)
      result.nearestNeighbourOffMemorizedAgreement.append(offSetAgreement(predictions))
      if recordSet {
        record(
          .nearestNeighbour, radius: radius, .stratified, .leastMass, nil, predictedForSet, got, setBands,
          changedFromLookup: changedCounts(predictions, from: lookupPredictions))
      }
      others.append(gap)
    }
    if settings.interpolatingMLP {
      let mlp = try InterpolatingMLPMemorizer(
        population: population.dataset, basePredictions: population.basePredictions, memorized: set,
        options: settings.mlpOptions, using: &rng)
      let got = try measured(mlp.predictions, metric)
      let gap = largest(got)
      let changed = changedCounts(mlp.predictions, from: lookupPredictions)
      if recordSet {
        record(.mlp, .stratified, .leastMass, nil, predictedForSet, got, setBands, changedFromLookup: changed)
      }
      result.mlpGap = gap
      result.mlpMemorizedAccuracy = mlp.memorizedAccuracy
      result.mlpOffMemorizedAgreement = mlp.offMemorizedAgreement
      result.mlpFit = mlp.fit
      if feasible {
        // The lookup memorizer's check on this set: zero bias within the stratified + rounding bound.
        let spillEntries = zip(predictedForSet, got).map { entry, value in
          let bound =
            AgreementBand.stratified(entry.entry, cellCounts: n) + AgreementBand.rounding(entry.entry, cellCounts: n)
            + MemorizationAnswer.witnessTolerance
          let spill = AgreementBand.changed(entry.entry, changed: changed, cellCounts: n)
          return SpillOverEntry(
            entry: entry.label, measured: value, bound: bound, spillOver: spill, withinBound: abs(value) <= bound,
            explained: abs(value) <= bound + spill + 1e-12)
        }
        result.mlpEntries = spillEntries
        result.mlpChangedRecords = changed
        result.mlpWithinBound = spillEntries.allSatisfy(\.withinBound)
        result.mlpLargestSpillOver = spillEntries.map(\.spillOver).max() ?? 0
        result.mlpDepartureExplained = spillEntries.allSatisfy(\.explained)
      }
      others.append(gap)
    }
    if !feasible {
      result.stayedBiasedUnderAll = (result.smallestLookupGapTried ?? 1) > 0 && others.allSatisfy { $0 > 0 }
    }
  }
}

/// JSON coding of the validation results (the schema of `fairmem validate --json`, documented in
/// Docs/output-format.md): snake_case keys, `null` for a value that does not apply.

extension MetricValidation: Codable {
  enum CodingKeys: String, CodingKey {
    case metric, feasible, records, agrees
    case baseGap = "base_gap"
    case minMass = "min_mass"
    case witnessVerified = "witness_verified"
    case certificateVerified = "certificate_verified"
    case recordFraction = "record_fraction"
    case measuredGapStratified = "measured_gap_stratified"
    case boundStratified = "bound_stratified"
    case measuredGapUniform = "measured_gap_uniform"
    case bandUniform = "band_uniform"
    case predictedGapForSet = "predicted_gap_for_set"
    case nearestNeighbourGaps = "nearest_neighbour_gaps"
    case radiusZeroMatchesLookup = "radius_zero_matches_lookup"
    case nearestNeighbourOffMemorizedAgreement = "nearest_neighbour_off_memorized_agreement"
    case mlpGap = "mlp_gap"
    case mlpMemorizedAccuracy = "mlp_memorized_accuracy"
    case mlpOffMemorizedAgreement = "mlp_off_memorized_agreement"
    case mlpFit = "mlp_fit"
    case mlpWithinBound = "mlp_within_bound"
    case mlpLargestSpillOver = "mlp_largest_spill_over"
    case mlpDepartureExplained = "mlp_departure_explained"
    case mlpEntries = "mlp_entries"
    case mlpChangedRecords = "mlp_changed_records"
    case smallestLookupGapTried = "smallest_lookup_gap_tried"
    case stayedBiasedUnderAll = "stayed_biased_under_all"
  }

}

extension RandomMemorizationCheck: Codable {
  enum CodingKeys: String, CodingKey {
    case mode
    case entriesChecked = "entries"
    case entriesWithinBand = "within_band"
    case largestDeviation = "largest_deviation"
    case largestDeviationOverBand = "largest_deviation_over_band"
  }
}

extension EntryComparison.Memorizer: Codable {}
extension EntryComparison.Setting: Codable {}

extension PopulationValidation: Codable {
  enum CodingKeys: String, CodingKey {
    case name, records, groups, classes, agrees, metrics, entries
    case mlpRandomFits = "mlp_random_fits"
    case smallestCell = "smallest_cell"
    case baseAccuracy = "base_accuracy"
    case randomChecks = "random_checks"
  }

  /// The entries column by column (one array per field, one element per entry): compact and
  /// fast to write.
  enum EntryColumn: String, CodingKey {
    case memorizer, radius, selection, setting, memorization, metric, entry, predicted, measured, band
    case spillOver = "spill_over"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    recordCount = try c.decode(Int.self, forKey: .records)
    groupCount = try c.decode(Int.self, forKey: .groups)
    classCount = try c.decode(Int.self, forKey: .classes)
    smallestCell = try c.decode(Int.self, forKey: .smallestCell)
    baseAccuracy = try c.decode(Double.self, forKey: .baseAccuracy)
    metrics = try c.decode([MetricValidation].self, forKey: .metrics)
    randomChecks = try c.decode([RandomMemorizationCheck].self, forKey: .randomChecks)
    mlpRandomFits = try c.decodeIfPresent([InterpolationFit].self, forKey: .mlpRandomFits) ?? []
    entries = []
    guard c.contains(.entries) else { return }
    let e = try c.nestedContainer(keyedBy: EntryColumn.self, forKey: .entries)
    let memorizers = try e.decode([EntryComparison.Memorizer].self, forKey: .memorizer)
    let radii = try e.decode([Double?].self, forKey: .radius)
    let selections = try e.decode([MemorizationSetSelector.Mode].self, forKey: .selection)
    let settings = try e.decode([EntryComparison.Setting].self, forKey: .setting)
    let memorizations = try e.decode([Int?].self, forKey: .memorization)
    let metrics = try e.decode([FairnessMetric].self, forKey: .metric)
    let labels = try e.decode([String].self, forKey: .entry)
    let predicted = try e.decode([Double].self, forKey: .predicted)
    let measured = try e.decode([Double].self, forKey: .measured)
    let bands = try e.decode([Double].self, forKey: .band)
    let count = memorizers.count
    let spills = try e.decodeIfPresent([Double?].self, forKey: .spillOver) ?? Array(repeating: nil, count: count)
    guard
      [
        radii.count, selections.count, settings.count, memorizations.count, metrics.count, labels.count,
        predicted.count, measured.count, bands.count, spills.count,
      ].allSatisfy({ $0 == count })
    else {
      throw DecodingError.dataCorruptedError(
        forKey: .entries, in: c, debugDescription: "entry columns have different lengths")
    }
    entries = (0..<count).map { i in
      EntryComparison(
        memorizer: memorizers[i], radius: radii[i], selection: selections[i], setting: settings[i],
        memorization: memorizations[i], metric: metrics[i], label: labels[i], predicted: predicted[i],
        measured: measured[i], band: bands[i], spillOver: spills[i])
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(recordCount, forKey: .records)
    try c.encode(groupCount, forKey: .groups)
    try c.encode(classCount, forKey: .classes)
    try c.encode(smallestCell, forKey: .smallestCell)
    try c.encode(baseAccuracy, forKey: .baseAccuracy)
    try c.encode(agrees, forKey: .agrees)
    try c.encode(metrics, forKey: .metrics)
    try c.encode(randomChecks, forKey: .randomChecks)
    if !mlpRandomFits.isEmpty { try c.encode(mlpRandomFits, forKey: .mlpRandomFits) }
    guard !entries.isEmpty else { return }
    var e = c.nestedContainer(keyedBy: EntryColumn.self, forKey: .entries)
    try e.encode(entries.map(\.memorizer), forKey: .memorizer)
    try e.encode(entries.map(\.radius), forKey: .radius)
    try e.encode(entries.map(\.selection), forKey: .selection)
    try e.encode(entries.map(\.setting), forKey: .setting)
    try e.encode(entries.map(\.memorization), forKey: .memorization)
    try e.encode(entries.map(\.metric), forKey: .metric)
    try e.encode(entries.map(\.label), forKey: .entry)
    try e.encode(entries.map(\.predicted), forKey: .predicted)
    try e.encode(entries.map(\.measured), forKey: .measured)
    try e.encode(entries.map(\.band), forKey: .band)
    try e.encode(entries.map(\.spillOver), forKey: .spillOver)
  }
}
