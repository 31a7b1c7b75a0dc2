public import FairnessData
public import FairnessStatistics
import MemorizationTheory
import SeededRandom

/// Memorization measured in trained models ("in the wild") and compared with the theory.
///
/// A model family is trained on a training set `S` of `N` records in two ways (K-fold
/// cross-fitting, folds stratified by cell (a, y)):
///
/// - **out of sample**: record `i` is predicted by the model trained on the other `K - 1` folds.
///   These predictions play the theory's *base classifier* (what the model does on records it has
///   not seen).
/// - **in sample**: record `i` is predicted by the model trained on all of `S`. These play the
///   *memorizing classifier* (what the model does on its own training data).
///
/// The memorized set is `D = {i : in-sample correct, out-of-sample wrong}`, its mass per cell
/// `x[a][y] = |D ∩ cell| / N`; the other direction, `U = {i : in-sample wrong, out-of-sample
/// correct}`, is reported too. Three numbers per metric entry:
///
/// - `predicted`: R1-R3 (convention B) from the out-of-sample statistics at `x`, the theory's
///   answer if the model had memorized cell-randomly, with the band of `AgreementBand.hypergeometric`
///   (`z` standard deviations of a cell-random draw of `|D ∩ cell|` records);
/// - `mixture`: the R0 mixture realized with the actual `D` (true label on `D`, out-of-sample
///   prediction elsewhere, counted), i.e. the theory given which records were memorized;
/// - `measured`: the in-sample value.
///
/// `measured - mixture` comes only from records off `D` whose prediction changed (`U`, and wrong
/// predictions that changed class), so `|measured - mixture| <= AgreementBand.changed` holds by
/// construction (checked per entry); `mixture - predicted` is the selection effect: a model
/// memorizes the records it gets wrong, not a cell-random sample.
///
/// The LP (`MemorizationAnalysis`, convention B on the out-of-sample statistics) gives the least
/// memorized mass that hides each bias; it is set against the mass the model memorized.
public enum MemorizationInTheWild {
  /// Runs the study of every model in `settings.models` on `dataset` (the training set `S`).
  ///
  /// - Parameters:
  ///   - progress: called with a line of text before each model and fold.
  /// - Throws: `ValidationInputError` for bad settings or a dataset too small to cross-fit (a cell
  ///   with fewer records than folds is fine; a group without records is not), `ModelError`,
  ///   `StatisticsError`, `LPFailure`.
  public static func study(
    _ dataset: Dataset, name: String, settings: InTheWildSettings = InTheWildSettings(), seed: UInt64,
    progress: ((String) -> Void)? = nil
  ) throws -> InTheWildReport {
    try settings.check()
    guard dataset.rowCount >= settings.folds else {
      throw ValidationInputError(
        field: "dataset", problem: "\(dataset.rowCount) records cannot be split into \(settings.folds) folds")
    }
    if let empty = dataset.groupCounts().firstIndex(of: 0) {
      throw ValidationInputError(field: "dataset", problem: "group '\(dataset.groupNames[empty])' has no record")
    }
    let folds = foldAssignment(dataset, folds: settings.folds, seed: seed)
    var models: [InTheWildModelReport] = []
    for (index, model) in settings.models.enumerated() {
      let modelSeed = seed &+ 0x5851_F42D_4C95_7F2D &* UInt64(index + 1)
      var outOfSample = Array(repeating: 0, count: dataset.rowCount)
      for fold in 0..<settings.folds {
        progress?("[memorization] \(name): \(model), fold \(fold + 1)/\(settings.folds)\n")
        let held = folds.indices.filter { folds[$0] == fold }
        let kept = folds.indices.filter { folds[$0] != fold }
        let predicted = try model.fitAndPredict(
          train: dataset.subset(kept), queries: [dataset.subset(held)], training: settings.training,
          seed: modelSeed &+ UInt64(fold + 1))[0]
        for (i, p) in zip(held, predicted) { outOfSample[i] = p }
      }
      progress?("[memorization] \(name): \(model), all records\n")
      let inSample = try model.fitAndPredict(
        train: dataset, queries: [dataset], training: settings.training, seed: modelSeed)[0]
      models.append(
        try compare(
          dataset, model: model, outOfSample: outOfSample, inSample: inSample, z: settings.z))
    }
    return InTheWildReport(
      population: name, records: dataset.rowCount, groups: dataset.groupNames, classes: dataset.classNames,
      seed: seed, settings: settings, models: models)
  }

  /// The study of the named built-in training sets (`InTheWildPopulations.trainingSet`), in order.
  ///
  /// - Throws: as `study` and `InTheWildPopulations.trainingSet` (missing files before any training:
  ///   `FairnessDataError.missingFile`).
  public static func run(
    datasets: [String], directory: String = RealDataset.defaultDirectory, maximumRecords: Int? = nil,
    settings: InTheWildSettings = InTheWildSettings(), seed: UInt64, progress: ((String) -> Void)? = nil
  ) throws -> InTheWildStudy {
    try settings.check()
    guard !datasets.isEmpty else {
      throw ValidationInputError(field: "datasets", problem: "needs at least one dataset")
    }
    var sets: [Dataset] = []
    for name in datasets {
      sets.append(
        try InTheWildPopulations.trainingSet(
          named: name, directory: directory, seed: seed, maximumRecords: maximumRecords))
    }
    var reports: [InTheWildReport] = []
    for (name, dataset) in zip(datasets, sets) {
      reports.append(try study(dataset, name: name, settings: settings, seed: seed, progress: progress))
    }
    return InTheWildStudy(seed: seed, maximumRecords: maximumRecords, settings: settings, populations: reports)
  }

  /// The fold of every record: within every cell (a, y), records in a seeded random order get
  /// folds `0, 1, ..., K-1, 0, ...`, so every fold holds each cell's records up to one.
  public static func foldAssignment(_ dataset: Dataset, folds: Int, seed: UInt64) -> [Int] {
    var rng = SplitMix64(seed: seed ^ 0xF01D_F01D_F01D_F01D)
    let keys = (0..<dataset.rowCount).map { _ in rng.next() }
    var fold = Array(repeating: 0, count: dataset.rowCount)
    var cells: [[Int]: [Int]] = [:]
    for i in 0..<dataset.rowCount { cells[[dataset.groups[i], dataset.labels[i]], default: []].append(i) }
    for members in cells.values {
      for (position, i) in members.sorted(by: { (keys[$0], $0) < (keys[$1], $1) }).enumerated() {
        fold[i] = position % folds
      }
    }
    return fold
  }

  /// Compares one model's in-sample predictions with the theory fed by its out-of-sample ones
  /// (the part of `study` after training; public so that predictions from elsewhere can be
  /// studied and so that the bookkeeping can be tested without training).
  ///
  /// - Throws: `StatisticsError` (a group without records), `LPFailure`.
  public static func compare(
    _ dataset: Dataset, model: ClassifierChoice, outOfSample: [Int], inSample: [Int], z: Double = 5
  ) throws -> InTheWildModelReport {
    precondition(outOfSample.count == dataset.rowCount && inSample.count == dataset.rowCount, "one prediction a record")
    let population = EvaluationPopulation(dataset: dataset, basePredictions: outOfSample)
    let base = try population.baseStatistics()
    let counts = population.counts(predictions: outOfSample).counts
    let total = Double(dataset.rowCount)
    let labels = dataset.labels
    let (g, k) = (dataset.groupCount, dataset.classCount)
    var memorized = Array(repeating: Array(repeating: 0, count: k), count: g)
    var unlearned = memorized
    var changedOff = memorized
    var records = memorized
    var memorizedSet: [Int] = []
    for i in 0..<dataset.rowCount {
      let (a, y) = (dataset.groups[i], labels[i])
      records[a][y] += 1
      let inside = inSample[i] == y
      let outside = outOfSample[i] == y
      if inside && !outside {
        memorized[a][y] += 1
        memorizedSet.append(i)
      } else if inSample[i] != outOfSample[i] {
        changedOff[a][y] += 1
        if outside { unlearned[a][y] += 1 }
      }
    }
    let x = memorized.map { $0.map { Double($0) / total } }
    let mixturePredictions = population.lookup(memorizing: memorizedSet).predictions
    let measuredStatistics = try population.statistics(predictions: inSample)
    let mixtureStatistics = try population.statistics(predictions: mixturePredictions)
    var metrics: [InTheWildMetric] = []
    for metric in FairnessMetric.gapVectors {
      let outside = metricEntries(base, metric: metric)
      let predicted = metricEntries(base, metric: metric, memorized: x)
      let mixture = metricEntries(mixtureStatistics, metric: metric)
      let measured = metricEntries(measuredStatistics, metric: metric)
      var entries: [InTheWildEntry] = []
      for (((o, p), r), m) in zip(zip(zip(outside, predicted), mixture), measured) {
        entries.append(
          InTheWildEntry(
            label: o.label, outOfSample: o.value, predicted: p.value,
            band: AgreementBand.hypergeometric(o.entry, counts: counts, memorized: memorized, z: z),
            mixture: r.value, measured: m.value,
            changedBound: AgreementBand.changed(o.entry, changed: changedOff, cellCounts: records)))
      }
      let answer = try MemorizationAnalysis.analyze(base, metric: metric, options: MetricOptions())
      metrics.append(
        InTheWildMetric(
          metric: metric, entries: entries, feasible: answer.feasible, leastMass: answer.minMass,
          leastMassWitness: answer.witness, witnessVerified: answer.witnessVerified,
          certificateVerified: answer.certificate?.verified, memorizedMass: x.joined().reduce(0, +)))
    }
    let cells = (0..<g).flatMap { a in
      (0..<k).map { y in
        InTheWildCell(
          group: dataset.groupNames[a], label: dataset.classNames[y], records: records[a][y],
          memorized: memorized[a][y], unlearned: unlearned[a][y], changedOffMemorized: changedOff[a][y],
          memorizedMass: Double(memorized[a][y]) / total, unlearnedMass: Double(unlearned[a][y]) / total)
      }
    }
    func accuracy(_ predictions: [Int]) -> Double {
      Double(zip(predictions, labels).filter { $0 == $1 }.count) / max(total, 1)
    }
    return InTheWildModelReport(
      model: model.description, inSampleAccuracy: accuracy(inSample), outOfSampleAccuracy: accuracy(outOfSample),
      cells: cells, metrics: metrics)
  }
}

/// The study of several populations (`MemorizationInTheWild.run`): what `fairmem validate
/// --mode memorization` prints.
public struct InTheWildStudy: Sendable, Codable {
  /// Seed of splits, subsamples, folds and MLP training.
  public var seed: UInt64
  /// Largest training set studied (a simple random sample of a larger one), nil for all records.
  public var maximumRecords: Int?
  /// What ran.
  public var settings: InTheWildSettings
  /// One per population, in the order asked for.
  public var populations: [InTheWildReport]
}

/// What `MemorizationInTheWild.study` runs.
public struct InTheWildSettings: Sendable, Equatable, Codable {
  /// Folds of the cross-fitting (`K >= 2`).
  public var folds: Int
  /// The models, each studied separately.
  public var models: [ClassifierChoice]
  /// The MLP's schedule.
  public var training: ClassifierTraining
  /// Standard deviations of the cell-random band.
  public var z: Double

  /// Creates settings; defaults: 5 folds; logistic regression, MLPs of 16, 64 and 256 units, and
  /// 1-nearest neighbour; default MLP schedule; z = 5.
  public init(
    folds: Int = 5,
    models: [ClassifierChoice] = [
      .logisticRegression, .mlp(width: 16), .mlp(width: 64), .mlp(width: 256), .nearestNeighbour,
    ],
    training: ClassifierTraining = ClassifierTraining(), z: Double = 5
  ) {
    self.folds = folds
    self.models = models
    self.training = training
    self.z = z
  }

  /// Throws `ValidationInputError` naming the bad field.
  public func check() throws(ValidationInputError) {
    guard (2...100).contains(folds) else { throw ValidationInputError(field: "folds", problem: "must be in 2...100") }
    guard !models.isEmpty else { throw ValidationInputError(field: "models", problem: "needs at least one model") }
    guard (0...100_000).contains(training.mlpEpochs) else {
      throw ValidationInputError(field: "epochs", problem: "must be in 0...100000")
    }
    guard training.learningRate > 0, training.learningRate.isFinite else {
      throw ValidationInputError(field: "learning-rate", problem: "must be positive and finite")
    }
    guard training.batchSize >= 1 else { throw ValidationInputError(field: "batch-size", problem: "must be >= 1") }
    guard z > 0, z.isFinite else { throw ValidationInputError(field: "z", problem: "must be positive and finite") }
  }
}

/// The study of one population (`MemorizationInTheWild.study`).
public struct InTheWildReport: Sendable, Codable {
  /// The population's name (`adult`, `synthetic-0`, ...).
  public var population: String
  /// `N`, the records of the training set.
  public var records: Int
  /// Group names.
  public var groups: [String]
  /// Class names.
  public var classes: [String]
  /// Seed of folds and MLP training.
  public var seed: UInt64
  /// What ran.
  public var settings: InTheWildSettings
  /// One per model.
  public var models: [InTheWildModelReport]
}

/// One model's memorization and the theory's account of it.
public struct InTheWildModelReport: Sendable, Codable {
  /// `lr`, `1nn`, `mlp-<width>`.
  public var model: String
  /// Accuracy of the in-sample predictions (training accuracy of the model fitted on all records).
  public var inSampleAccuracy: Double
  /// Accuracy of the out-of-sample (cross-fitted) predictions.
  public var outOfSampleAccuracy: Double
  /// Per cell (a, y), groups outer.
  public var cells: [InTheWildCell]
  /// SP, EOpp, EOdds.
  public var metrics: [InTheWildMetric]
  /// Total memorized mass `Σ x` (in-sample correct, out-of-sample wrong).
  public var memorizedMass: Double
  /// Total mass of the other direction (in-sample wrong, out-of-sample correct).
  public var unlearnedMass: Double

  /// Collects one model's study; the total masses are summed from `cells`.
  public init(
    model: String, inSampleAccuracy: Double, outOfSampleAccuracy: Double, cells: [InTheWildCell],
    metrics: [InTheWildMetric]
  ) {
    self.model = model
    self.inSampleAccuracy = inSampleAccuracy
    self.outOfSampleAccuracy = outOfSampleAccuracy
    self.cells = cells
    self.metrics = metrics
    memorizedMass = cells.reduce(0) { $0 + $1.memorizedMass }
    unlearnedMass = cells.reduce(0) { $0 + $1.unlearnedMass }
  }
}

/// Memorization in one cell (a, y).
public struct InTheWildCell: Sendable, Codable, Equatable {
  /// Group name.
  public var group: String
  /// Class name (the true label).
  public var label: String
  /// `n[a][y]`.
  public var records: Int
  /// Records predicted correctly in sample and wrongly out of sample (`D`).
  public var memorized: Int
  /// Records predicted wrongly in sample and correctly out of sample.
  public var unlearned: Int
  /// Records off `D` whose in-sample prediction differs from the out-of-sample one (the unlearned
  /// ones and wrong predictions that changed class).
  public var changedOffMemorized: Int
  /// `memorized / N`.
  public var memorizedMass: Double
  /// `unlearned / N`.
  public var unlearnedMass: Double
}

/// One metric: theory vs measurement, and the LP's least mass vs the memorized mass.
public struct InTheWildMetric: Sendable, Codable {
  /// The metric (all classes, all pairs of groups, tolerance 0).
  public var metric: FairnessMetric
  /// Every entry.
  public var entries: [InTheWildEntry]
  /// Whether the LP says the out-of-sample bias can be hidden by memorization (convention B).
  public var feasible: Bool
  /// The LP's least mass that hides it (nil when infeasible).
  public var leastMass: Double?
  /// The least-mass memorization `x[a][y]` (nil when infeasible).
  public var leastMassWitness: [[Double]]?
  /// Whether the witness passed the theory's R0 re-check.
  public var witnessVerified: Bool?
  /// Whether the Farkas certificate of an infeasible answer was checked positive.
  public var certificateVerified: Bool?
  /// The mass the model memorized, `Σ x`.
  public var memorizedMass: Double
  /// Largest |entry| out of sample (the model's bias on records it has not seen).
  public var outOfSampleGap: Double
  /// Largest |entry| in sample (the bias it shows on its training data).
  public var inSampleGap: Double
  /// The theory's largest |entry| at the memorized mass (convention B).
  public var predictedGap: Double
  /// The R0 mixture's largest |entry| with the actual memorized set.
  public var mixtureGap: Double
  /// Entries whose measured value lies within the cell-random band of the prediction.
  public var entriesWithinBand: Int
  /// Entries whose `measured - mixture` the changed records off `D` explain (all, by construction).
  public var entriesExplainedByChanges: Int
  /// Whether the model looks fairer on its training data than on unseen records.
  public var looksFairerInSample: Bool
  /// Whether the model memorized at least the LP's least mass (nil when infeasible).
  public var memorizedAtLeastLeastMass: Bool?

  /// Collects one metric's comparison; the gaps and counts are derived from `entries`.
  public init(
    metric: FairnessMetric, entries: [InTheWildEntry], feasible: Bool, leastMass: Double?,
    leastMassWitness: [[Double]]?, witnessVerified: Bool?, certificateVerified: Bool?, memorizedMass: Double
  ) {
    self.metric = metric
    self.entries = entries
    self.feasible = feasible
    self.leastMass = leastMass
    self.leastMassWitness = leastMassWitness
    self.witnessVerified = witnessVerified
    self.certificateVerified = certificateVerified
    self.memorizedMass = memorizedMass
    func largest(_ value: (InTheWildEntry) -> Double) -> Double { entries.map { abs(value($0)) }.max() ?? 0 }
    outOfSampleGap = largest(\.outOfSample)
    inSampleGap = largest(\.measured)
    predictedGap = largest(\.predicted)
    mixtureGap = largest(\.mixture)
    entriesWithinBand = entries.filter(\.withinBand).count
    entriesExplainedByChanges = entries.filter(\.explainedByChanges).count
    looksFairerInSample = inSampleGap < outOfSampleGap
    memorizedAtLeastLeastMass = leastMass.map { memorizedMass >= $0 }
  }
}

/// One metric entry out of sample, predicted, realized by the mixture, and measured in sample.
public struct InTheWildEntry: Sendable, Codable, Equatable {
  /// e.g. `eopp[female-male][>50K]`.
  public var label: String
  /// Out-of-sample value (the base classifier).
  public var outOfSample: Double
  /// R1-R3 (convention B) at the memorized mass.
  public var predicted: Double
  /// Cell-random band of `predicted`.
  public var band: Double
  /// The R0 mixture with the actual memorized set, counted.
  public var mixture: Double
  /// In-sample value.
  public var measured: Double
  /// Bound on `|measured - mixture|` from the records off `D` whose prediction changed.
  public var changedBound: Double

  /// `|measured - predicted| <= band`.
  public var withinBand: Bool { abs(measured - predicted) <= band }
  /// `|measured - mixture| <= changedBound` (holds by construction; checked).
  public var explainedByChanges: Bool { abs(measured - mixture) <= changedBound + 1e-12 }
}
