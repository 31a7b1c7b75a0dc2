import DenseLinearAlgebra
public import FairnessData
public import FairnessModels

/// A memorizer that is a trained network rather than a table: a one-hidden-layer MLP taught the
/// targets "true label on the memorized records `D`, base prediction elsewhere" and trained until
/// it fits them.
///
/// Three choices make it memorize what it is told (measured in `Docs/validation.md`):
///
/// - **Distillation inputs.** Besides the standardized features, the network sees the base
///   classifier's prediction as a one-hot vector (`Options.basePredictionInputs`). Reproducing
///   the base classifier off `D` is then a linear function of its input, and the hidden units
///   are free to carve out the records of `D` whose true label differs from the base prediction.
///   Without these inputs the network has to re-learn the base decision boundary from the
///   features and bends it around `D`, changing predictions off `D` (spill-over).
/// - **Capacity from D.** Unless set, the hidden width is
///   `clamp(unitsPerFlippedRecord · F, minimumWidth...maximumWidth)`, `F` the records of `D` whose
///   true label differs from the base prediction (the only ones whose target departs from the base
///   classifier, so the only ones that need capacity).
/// - **Train until the targets are fit.** Adam on mini-batches until every record of `D` and every
///   other record is predicted as its target (`StoppingRule.allTargets`), or only `D`
///   (`.memorizedSet`), or the epoch budget ends.
///
/// The theory (convention B) assumes memorization changes nothing off `D`; `offMemorizedAgreement`
/// measures how far that holds for the trained network.
public struct InterpolatingMLPMemorizer: Sendable {
  /// The trained network (on standardized features, plus the one-hot base prediction when
  /// `Options.basePredictionInputs`).
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

  /// When training stops before the epoch budget.
  public enum StoppingRule: String, Sendable, Codable, CaseIterable {
    /// Every record of `D` predicted with its true label.
    case memorizedSet = "memorized-set"
    /// Every record predicted as its target (true label on `D`, base prediction elsewhere).
    case allTargets = "all-targets"
  }

  /// Options of the interpolating fit.
  public struct Options: Sendable, Equatable, Codable {
    /// Hidden units; nil to derive them from D (see `width(flipped:)`).
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

    /// Creates options; defaults: width from D (2 units per flipped record, 32...512), full-batch
    /// L-BFGS for at most 1000 iterations (Adam: step 1e-2, batches of 64), memorized records
    /// weighted 4, base prediction as input, train until every target is fit.
    public init(
      hiddenWidth: Int? = nil, optimizer: Optimizer = .lbfgs, unitsPerFlippedRecord: Double = 2, minimumWidth: Int = 32,
      maximumWidth: Int = 512,
      maximumEpochs: Int = 1000, learningRate: Double = 1e-2, batchSize: Int = 64, memorizedWeight: Double = 4,
      basePredictionInputs: Bool = true, inputScale: Double = 1, stoppingRule: StoppingRule = .allTargets
    ) {
      precondition(memorizedWeight > 0 && memorizedWeight.isFinite, "memorizedWeight must be positive")
      precondition(minimumWidth >= 1 && maximumWidth >= minimumWidth, "need 1 <= minimumWidth <= maximumWidth")
      precondition(unitsPerFlippedRecord >= 0 && unitsPerFlippedRecord.isFinite, "units per record must be >= 0")
      precondition(inputScale > 0 && inputScale.isFinite, "inputScale must be positive")
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
    /// from the base prediction.
    public func width(flipped: Int) -> Int {
      if let hiddenWidth { return hiddenWidth }
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
    let x = Self.inputs(population, basePredictions: basePredictions, options: options)
    let inD = Set(memorized)
    let targets = (0..<population.rowCount).map { inD.contains($0) ? population.labels[$0] : basePredictions[$0] }
    let flipped = inD.filter { population.labels[$0] != basePredictions[$0] }.count
    let width = options.width(flipped: flipped)
    var net = MLPClassifier(
      featureCount: x.columns, hiddenWidth: width, classCount: population.classCount, activation: .selu, using: &rng)
    let rows: [Int]? =
      switch options.stoppingRule {
      case .allTargets: nil
      case .memorizedSet: inD.isEmpty ? nil : inD.sorted()
      }
    let weights = (0..<population.rowCount).map { inD.contains($0) ? options.memorizedWeight : 1 }
    switch options.optimizer {
    case .lbfgs:
      report = try net.fitFullBatch(
        x, labels: targets, weights: weights,
        options: MLPFullBatchOptions(
          maximumIterations: options.maximumEpochs, stopWhenTrainingAccuracyReaches: 1.0, accuracyRows: rows))
    case .adam:
      let training = MLPTrainingOptions(
        epochs: options.maximumEpochs, batchSize: options.batchSize, learningRate: options.learningRate,
        stopWhenTrainingAccuracyReaches: 1.0, accuracyRows: rows)
      report = try net.fit(x, labels: targets, weights: weights, options: training, using: &rng)
    }
    network = net
    let predicted = net.predict(x)
    predictions = predicted
    fit = InterpolationFit(
      labels: population.labels, basePredictions: basePredictions, predictions: predicted, memorized: inD,
      hiddenWidth: width, epochs: report.epochs, reachedStoppingRule: report.reachedAccuracyTarget)
  }

  /// The network's inputs: the features of `dataset` standardized on `dataset` itself (constant
  /// columns only centred), followed by the one-hot base prediction when
  /// `options.basePredictionInputs`.
  static func inputs(_ dataset: Dataset, basePredictions: [Int], options: Options) -> Matrix {
    let standardized = standardizedMatrix(dataset)
    guard options.basePredictionInputs else {
      return Matrix(
        rows: standardized.rows, columns: standardized.columns,
        elements: standardized.elements.map { options.inputScale * $0 })
    }
    let d = dataset.featureCount
    let k = dataset.classCount
    var elements = Array(repeating: 0.0, count: dataset.rowCount * (d + k))
    for i in 0..<dataset.rowCount {
      for j in 0..<d { elements[i * (d + k) + j] = options.inputScale * standardized[i, j] }
      elements[i * (d + k) + d + basePredictions[i]] = 1
    }
    return Matrix(rows: dataset.rowCount, columns: d + k, elements: elements)
  }

  /// The features of `dataset` with every column centred and scaled by its own standard
  /// deviation (constant columns only centred), as a matrix.
  static func standardizedMatrix(_ dataset: Dataset) -> Matrix {
    Standardizer(fittingEveryColumnOf: dataset, minimumScale: 1e-12).apply(to: dataset).matrix
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

  /// Counts the fit of `predictions` against the targets.
  public init(
    labels: [Int], basePredictions: [Int], predictions: [Int], memorized: Set<Int>, hiddenWidth: Int, epochs: Int,
    reachedStoppingRule: Bool
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
  }

  /// Whether every record of `D` is predicted with its true label.
  public var fitsMemorizedSet: Bool { memorizedFitted == memorizedCount }
  /// `memorizedFitted / memorizedCount` (1 for an empty `D`).
  public var memorizedAccuracy: Double {
    memorizedCount == 0 ? 1 : Double(memorizedFitted) / Double(memorizedCount)
  }
  /// `otherKeptBase / otherCount` (1 when everything is memorized).
  public var offMemorizedAgreement: Double { otherCount == 0 ? 1 : Double(otherKeptBase) / Double(otherCount) }
}
