import DenseLinearAlgebra
public import FairnessData
public import FairnessModels

/// A memorizer that is a trained network rather than a table: a one-hidden-layer MLP fitted to
/// the base classifier's predictions on the unmemorized records and to the true labels on the
/// memorized records `D`, trained until it interpolates `D` (every member predicted correctly) or
/// the epoch budget runs out. Memorized records carry a larger sample weight
/// (`Options.memorizedWeight`) so that the network is pushed to fit them.
///
/// Unlike `LookupMemorizer`, fitting `D` moves the decision boundary, so the network may also
/// change its predictions off `D` (and may not reproduce the base classifier exactly there). The
/// theory assumes neither happens; `offMemorizedAgreement` measures how far that holds.
public struct InterpolatingMLPMemorizer: Sendable {
  /// The trained network (on standardized features).
  public let network: MLPClassifier
  /// What training did.
  public let report: MLPTrainingReport
  /// The network's prediction for every record of the population it was trained on.
  public let predictions: [Int]
  /// Fraction of memorized records predicted with their true label (1 = interpolates `D`).
  public let memorizedAccuracy: Double
  /// Fraction of unmemorized records predicted exactly as the base classifier predicts them.
  public let offMemorizedAgreement: Double

  /// Options of the interpolating fit.
  public struct Options: Sendable, Equatable {
    /// Hidden units.
    public var hiddenWidth: Int
    /// The most epochs of Adam; training stops earlier once `D` is interpolated.
    public var maximumEpochs: Int
    /// Adam's step size.
    public var learningRate: Double
    /// Rows per mini-batch.
    public var batchSize: Int
    /// Sample weight of a memorized record relative to an unmemorized one (> 0): larger values
    /// make interpolating `D` easier at the price of bending the boundary more around it.
    public var memorizedWeight: Double

    /// Creates options; defaults: 64 hidden units, at most 400 epochs, step 1e-2, batches of 64,
    /// memorized records weighted 4.
    public init(
      hiddenWidth: Int = 64, maximumEpochs: Int = 400, learningRate: Double = 1e-2, batchSize: Int = 64,
      memorizedWeight: Double = 4
    ) {
      precondition(memorizedWeight > 0 && memorizedWeight.isFinite, "memorizedWeight must be positive")
      self.hiddenWidth = hiddenWidth
      self.maximumEpochs = maximumEpochs
      self.learningRate = learningRate
      self.batchSize = batchSize
      self.memorizedWeight = memorizedWeight
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
    let x = Self.standardizedMatrix(population)
    let inD = Set(memorized)
    let targets = (0..<population.rowCount).map { inD.contains($0) ? population.labels[$0] : basePredictions[$0] }
    var net = MLPClassifier(
      featureCount: population.featureCount, hiddenWidth: options.hiddenWidth, classCount: population.classCount,
      activation: .selu, using: &rng)
    let rows = inD.isEmpty ? nil : Array(inD).sorted()
    let training = MLPTrainingOptions(
      epochs: options.maximumEpochs, batchSize: options.batchSize, learningRate: options.learningRate,
      stopWhenTrainingAccuracyReaches: 1.0, accuracyRows: rows)
    let weights = (0..<population.rowCount).map { inD.contains($0) ? options.memorizedWeight : 1 }
    report = try net.fit(x, labels: targets, weights: weights, options: training, using: &rng)
    network = net
    let predicted = net.predict(x)
    predictions = predicted
    var hits = 0
    var agree = 0
    for i in 0..<population.rowCount {
      if inD.contains(i) {
        if predicted[i] == population.labels[i] { hits += 1 }
      } else if predicted[i] == basePredictions[i] {
        agree += 1
      }
    }
    memorizedAccuracy = inD.isEmpty ? 1 : Double(hits) / Double(inD.count)
    let off = population.rowCount - inD.count
    offMemorizedAgreement = off == 0 ? 1 : Double(agree) / Double(off)
  }

  /// The features of `dataset` with every column centred and scaled by its own standard
  /// deviation (constant columns only centred).
  static func standardizedMatrix(_ dataset: Dataset) -> Matrix {
    Standardizer(fittingEveryColumnOf: dataset, minimumScale: 1e-12).apply(to: dataset).matrix
  }

}
