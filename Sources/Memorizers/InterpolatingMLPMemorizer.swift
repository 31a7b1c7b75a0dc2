import DenseLinearAlgebra
public import FairnessData
public import FairnessModels

/// A memorizer that is a network rather than a table: a one-hidden-layer MLP whose targets are
/// "true label on the memorized records `D`, base prediction elsewhere".
///
/// Two ways to get there (`Options.initialization`), both measured in `Docs/validation.md`:
///
/// - **`interpolating` (default): the classical construction, repaired by training if needed.**
///   `InterpolatingConstruction` builds a ReLU network with one distillation unit per class (it
///   copies the base prediction, an input) and one "bump" unit per record of `D` whose true label
///   differs from the base prediction (positive only within half the distance to the nearest
///   record with another target; the squared norm of the input is an input, so the bump is one
///   affine map and a ReLU). Width `K + F`, `F` those records. It meets every target except
///   **conflicts** (a record of `D` with the same features and base prediction as a record whose
///   target differs: no function of the inputs can do both; detected, left at the base prediction,
///   reported in `InterpolationFit.conflictingMemorized`). Only when some non-conflicting target is
///   missed (floating-point ties of near-duplicates, or `Options.hiddenWidth` below `K + F`) does
///   full-batch L-BFGS train the network from there, at most `maximumEpochs` iterations.
/// - **`random`: trained from random weights** (the design before: SELU, width
///   `clamp(unitsPerFlippedRecord · F, minimumWidth...maximumWidth)`, the one-hot base prediction
///   as an input when `basePredictionInputs`, L-BFGS or Adam until `stoppingRule` holds or the
///   budget ends). It fitted `D` completely in 18 of 30 seeded runs (Docs/validation.md).
///
/// The theory (convention B) assumes memorization changes nothing off `D`; `offMemorizedAgreement`
/// measures how far that holds for the network actually built, from its own predictions.
public struct InterpolatingMLPMemorizer: Sendable {
  /// The network (inputs: see `Initialization`).
  public let network: MLPClassifier
  /// What training did.
  public let report: MLPTrainingReport
  /// What the network fitted (per run).
  public let fit: InterpolationFit
  /// The network's prediction for every record of the population it was trained on.
  public let predictions: [Int]

  /// Fraction of memorized records predicted with their true label (1 = interpolates `D`).
  public var memorizedAccuracy: Double { fit.memorizedAccuracy }
  /// Fraction of unmemorized records predicted exactly as the base classifier predicts them.
  public var offMemorizedAgreement: Double { fit.offMemorizedAgreement }

  /// How the network is trained.
  public enum Optimizer: String, Sendable, Codable, CaseIterable {
    /// L-BFGS on the full batch (`MLPClassifier.fitFullBatch`), checked every 50 iterations;
    /// `maximumEpochs` counts iterations.
    case lbfgs
    /// Adam on shuffled mini-batches (`MLPClassifier.fit`); `maximumEpochs` counts epochs.
    case adam
  }

  /// Where the network's weights start.
  public enum Initialization: String, Sendable, Codable, CaseIterable {
    /// `InterpolatingConstruction` (ReLU; inputs: scaled standardized features, one-hot base
    /// prediction, their squared norm), trained only when it misses a non-conflicting target.
    case interpolating
    /// Random weights (SELU; inputs: scaled standardized features, plus the one-hot base
    /// prediction when `basePredictionInputs`), trained until `stoppingRule` holds.
    case random
  }

  /// When training stops before the epoch budget.
  public enum StoppingRule: String, Sendable, Codable, CaseIterable {
    /// Every record of `D` predicted with its true label.
    case memorizedSet = "memorized-set"
    /// Every record predicted as its target (true label on `D`, base prediction elsewhere).
    case allTargets = "all-targets"
  }

  /// Options of the interpolating fit.
  public struct Options: Sendable, Equatable, Codable {
    /// Where the weights start.
    public var initialization: Initialization
    /// Hidden units; nil to derive them from D (see `width(flipped:classes:)`).
    public var hiddenWidth: Int?
    /// Hidden units per flipped record of D (true label != base prediction) when derived.
    public var unitsPerFlippedRecord: Double
    /// Smallest derived width.
    public var minimumWidth: Int
    /// Largest derived width.
    public var maximumWidth: Int
    /// How the network is trained.
    public var optimizer: Optimizer
    /// The most L-BFGS iterations or Adam epochs; training stops earlier by `stoppingRule`.
    public var maximumEpochs: Int
    /// Adam's step size.
    public var learningRate: Double
    /// Adam's rows per mini-batch.
    public var batchSize: Int
    /// Sample weight of a memorized record relative to an unmemorized one (> 0).
    public var memorizedWeight: Double
    /// Whether the base prediction is an input (one-hot), so the network distils it off `D`.
    public var basePredictionInputs: Bool
    /// Factor on the standardized features (larger values make the initial hidden units sharper,
    /// so small regions around single records are easier to carve out).
    public var inputScale: Double
    /// When training stops early.
    public var stoppingRule: StoppingRule

    /// Creates options; defaults: the interpolating construction (width `K + F`), repaired by
    /// full-batch L-BFGS for at most 1000 iterations when needed. For `.random`: width from D (2
    /// units per flipped record, 32...512; Adam: step 1e-2, batches of 64), memorized records
    /// weighted 4, base prediction as input, train until every target is fit.
    public init(
      initialization: Initialization = .interpolating, hiddenWidth: Int? = nil, optimizer: Optimizer = .lbfgs,
      unitsPerFlippedRecord: Double = 2, minimumWidth: Int = 32,
      maximumWidth: Int = 512,
      maximumEpochs: Int = 1000, learningRate: Double = 1e-2, batchSize: Int = 64, memorizedWeight: Double = 4,
      basePredictionInputs: Bool = true, inputScale: Double = 1, stoppingRule: StoppingRule = .allTargets
    ) {
      precondition(memorizedWeight > 0 && memorizedWeight.isFinite, "memorizedWeight must be positive")
      precondition(minimumWidth >= 1 && maximumWidth >= minimumWidth, "need 1 <= minimumWidth <= maximumWidth")
      precondition(unitsPerFlippedRecord >= 0 && unitsPerFlippedRecord.isFinite, "units per record must be >= 0")
      precondition(inputScale > 0 && inputScale.isFinite, "inputScale must be positive")
      self.initialization = initialization
      self.hiddenWidth = hiddenWidth
      self.optimizer = optimizer
      self.unitsPerFlippedRecord = unitsPerFlippedRecord
      self.inputScale = inputScale
      self.minimumWidth = minimumWidth
      self.maximumWidth = maximumWidth
      self.maximumEpochs = maximumEpochs
      self.learningRate = learningRate
      self.batchSize = batchSize
      self.memorizedWeight = memorizedWeight
      self.basePredictionInputs = basePredictionInputs
      self.stoppingRule = stoppingRule
    }

    /// The hidden width used for a memorized set with `flipped` records whose true label differs
    /// from the base prediction, on `classes` classes: `hiddenWidth` if set (at least `classes` for
    /// the construction), else `classes + flipped` (`.interpolating`) or
    /// `clamp(unitsPerFlippedRecord · flipped, minimumWidth...maximumWidth)` (`.random`).
    public func width(flipped: Int, classes: Int) -> Int {
      switch (initialization, hiddenWidth) {
      case (.interpolating, let width?): return max(width, classes)
      case (.interpolating, nil): return classes + flipped
      case (.random, let width?): return width
      case (.random, nil): break
      }
      let derived = Int((unitsPerFlippedRecord * Double(flipped)).rounded(.up))
      return min(max(derived, minimumWidth), maximumWidth)
    }
  }

  /// Trains the network on `population` with targets "true label on `memorized`, base prediction
  /// elsewhere", seeded by `rng` (initial weights and shuffles).
  ///
  /// - Throws: `ModelError` when training rejects the data (never for consistent inputs).
  public init(
    population: Dataset, basePredictions: [Int], memorized: [Int], options: Options = Options(),
    using rng: inout some RandomNumberGenerator
  ) throws(ModelError) {
    precondition(basePredictions.count == population.rowCount, "one base prediction per record is needed")
    let inD = Set(memorized)
    let targets = (0..<population.rowCount).map { inD.contains($0) ? population.labels[$0] : basePredictions[$0] }
    let flippedRecords = inD.sorted().filter { population.labels[$0] != basePredictions[$0] }
    let k = population.classCount
    let width = options.width(flipped: flippedRecords.count, classes: k)
    let weights = (0..<population.rowCount).map { inD.contains($0) ? options.memorizedWeight : 1 }
    var net: MLPClassifier
    let x: Matrix
    var trainingRows: [Int]? = nil
    let constructionInputs = InterpolatingConstruction.inputs(
      Self.standardizedMatrix(population, scale: options.inputScale), basePredictions: basePredictions, classCount: k)
    let conflicting = InterpolatingConstruction.conflicts(constructionInputs, targets: targets)
    switch options.initialization {
    case .interpolating:
      x = constructionInputs
      let construction = InterpolatingConstruction(
        inputs: x, targets: targets, basePredictions: basePredictions, flipped: flippedRecords, classCount: k,
        width: width, conflicting: conflicting)
      net = construction.network
      // The stopping rule checks the targets that some function of the inputs can meet.
      let inConflict = Set(conflicting)
      trainingRows = (0..<population.rowCount).filter { !inConflict.contains($0) }
    case .random:
      x = Self.inputs(population, basePredictions: basePredictions, options: options)
      net = MLPClassifier(featureCount: x.columns, hiddenWidth: width, classCount: k, activation: .selu, using: &rng)
      trainingRows =
        switch options.stoppingRule {
        case .allTargets: nil
        case .memorizedSet: inD.isEmpty ? nil : inD.sorted()
        }
    }
    switch options.optimizer {
    case .lbfgs:
      report = try net.fitFullBatch(
        x, labels: targets, weights: weights,
        options: MLPFullBatchOptions(
          maximumIterations: options.maximumEpochs, stopWhenTrainingAccuracyReaches: 1.0,
          accuracyRows: trainingRows))
    case .adam:
      let training = MLPTrainingOptions(
        epochs: options.maximumEpochs, batchSize: options.batchSize, learningRate: options.learningRate,
        stopWhenTrainingAccuracyReaches: 1.0, accuracyRows: trainingRows)
      report = try net.fit(x, labels: targets, weights: weights, options: training, using: &rng)
    }
    network = net
    let predicted = net.predict(x)
    predictions = predicted
    fit = InterpolationFit(
      labels: population.labels, basePredictions: basePredictions, predictions: predicted, memorized: inD,
      hiddenWidth: width, epochs: report.epochs, reachedStoppingRule: report.reachedAccuracyTarget,
      initialization: options.initialization, conflicting: Set(conflicting))
  }

  /// The network's inputs: the features of `dataset` standardized on `dataset` itself (constant
  /// columns only centred), followed by the one-hot base prediction when
  /// `options.basePredictionInputs`.
  static func inputs(_ dataset: Dataset, basePredictions: [Int], options: Options) -> Matrix {
    let standardized = standardizedMatrix(dataset, scale: options.inputScale)
    guard options.basePredictionInputs else { return standardized }
    let d = dataset.featureCount
    let k = dataset.classCount
    var elements = Array(repeating: 0.0, count: dataset.rowCount * (d + k))
    for i in 0..<dataset.rowCount {
      for j in 0..<d { elements[i * (d + k) + j] = standardized[i, j] }
      elements[i * (d + k) + d + basePredictions[i]] = 1
    }
    return Matrix(rows: dataset.rowCount, columns: d + k, elements: elements)
  }

  /// The features of `dataset` with every column centred and scaled by its own standard
  /// deviation (constant columns only centred), times `scale`, as a matrix.
  static func standardizedMatrix(_ dataset: Dataset, scale: Double = 1) -> Matrix {
    let z = Standardizer(fittingEveryColumnOf: dataset, minimumScale: 1e-12).apply(to: dataset).matrix
    return scale == 1 ? z : Matrix(rows: z.rows, columns: z.columns, elements: z.elements.map { scale * $0 })
  }
}

/// What one interpolating fit achieved: how much of `D` it fits and how much of the rest keeps the
/// base prediction.
public struct InterpolationFit: Sendable, Equatable, Codable {
  /// |D|.
  public var memorizedCount: Int
  /// Records of `D` predicted with their true label.
  public var memorizedFitted: Int
  /// Records off `D`.
  public var otherCount: Int
  /// Records off `D` predicted as the base classifier predicts them.
  public var otherKeptBase: Int
  /// Hidden units used.
  public var hiddenWidth: Int
  /// Epochs trained.
  public var epochs: Int
  /// Whether training stopped because the stopping rule was met (not the epoch budget).
  public var reachedStoppingRule: Bool
  /// Where the weights started.
  public var initialization: InterpolatingMLPMemorizer.Initialization
  /// Records of `D` that share their input (features and base prediction) with a record whose
  /// target differs (another label in `D`, or the base prediction off `D`): no function of the
  /// features and the base prediction meets both targets.
  public var conflictingMemorized: Int
  /// Records off `D` in such a conflict.
  public var conflictingOther: Int

  /// Counts the fit of `predictions` against the targets.
  public init(
    labels: [Int], basePredictions: [Int], predictions: [Int], memorized: Set<Int>, hiddenWidth: Int, epochs: Int,
    reachedStoppingRule: Bool, initialization: InterpolatingMLPMemorizer.Initialization = .interpolating,
    conflicting: Set<Int> = []
  ) {
    var fitted = 0
    var kept = 0
    for i in predictions.indices {
      if memorized.contains(i) {
        if predictions[i] == labels[i] { fitted += 1 }
      } else if predictions[i] == basePredictions[i] {
        kept += 1
      }
    }
    memorizedCount = memorized.count
    memorizedFitted = fitted
    otherCount = predictions.count - memorized.count
    otherKeptBase = kept
    self.hiddenWidth = hiddenWidth
    self.epochs = epochs
    self.reachedStoppingRule = reachedStoppingRule
    self.initialization = initialization
    conflictingMemorized = conflicting.filter { memorized.contains($0) }.count
    conflictingOther = conflicting.count - conflictingMemorized
  }

  /// Whether every record of `D` is predicted with its true label.
  public var fitsMemorizedSet: Bool { memorizedFitted == memorizedCount }
  /// Whether the run meets the bar: `D` fit completely and the base prediction kept on at
  /// least 99% of the other records.
  public var meetsFitBar: Bool { fitsMemorizedSet && offMemorizedAgreement >= 0.99 }
  /// `memorizedFitted / memorizedCount` (1 for an empty `D`).
  public var memorizedAccuracy: Double {
    memorizedCount == 0 ? 1 : Double(memorizedFitted) / Double(memorizedCount)
  }
  /// `otherKeptBase / otherCount` (1 when everything is memorized).
  public var offMemorizedAgreement: Double { otherCount == 0 ? 1 : Double(otherKeptBase) / Double(otherCount) }
}
