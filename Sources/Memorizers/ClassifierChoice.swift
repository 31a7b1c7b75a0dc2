public import FairnessData
public import FairnessModels
import SeededRandom

/// A classifier family the validation trains: the base classifier of `TheoryValidator`'s
/// populations and the models of `MemorizationInTheWild`.
///
/// - `logisticRegression`: multinomial logistic regression (Newton, L2 1e-3 on the weights,
///   intercept unpenalized) on the raw features. Low capacity: it rarely fits a record it would
///   get wrong out of sample.
/// - `mlp`: one-hidden-layer MLP (SELU, `hiddenWidth` units) on features standardized with the
///   training data's means and standard deviations, Adam on mini-batches
///   (`ClassifierTraining`) until every training record is fit or the epoch budget ends.
/// - `nearestNeighbour`: 1-nearest neighbour on standardized features (ties: smaller training
///   index). It predicts every training record with the label of its own point (or of an
///   identical earlier one), so it memorizes as much as any classifier can.
public struct ClassifierChoice: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The family.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    case logisticRegression = "lr"
    case mlp
    case nearestNeighbour = "1nn"
  }

  /// The family.
  public var kind: Kind
  /// Hidden units (MLP only).
  public var hiddenWidth: Int?

  /// Logistic regression.
  public static let logisticRegression = ClassifierChoice(kind: .logisticRegression, hiddenWidth: nil)
  /// 1-nearest neighbour.
  public static let nearestNeighbour = ClassifierChoice(kind: .nearestNeighbour, hiddenWidth: nil)
  /// An MLP with `width` hidden units.
  public static func mlp(width: Int) -> ClassifierChoice { ClassifierChoice(kind: .mlp, hiddenWidth: width) }

  /// `lr`, `1nn` or `mlp-<width>` (the spelling `parse` reads).
  public var description: String {
    kind == .mlp ? "mlp-\(hiddenWidth ?? 0)" : kind.rawValue
  }

  /// The model in words, with an article (for sentences).
  public var descriptionWithArticle: String {
    switch kind {
    case .logisticRegression: "a logistic regression"
    case .nearestNeighbour: "a 1-nearest-neighbour classifier"
    case .mlp: "an MLP with \(hiddenWidth ?? 0) hidden units"
    }
  }

  /// Reads `lr`, `1nn` or `mlp-<width>` (width in 1...4096).
  ///
  /// - Throws: `ValidationInputError` naming `field` for anything else.
  public static func parse(_ text: String, field: String) throws(ValidationInputError) -> ClassifierChoice {
    let t = String(text.filter { !$0.isWhitespace }).lowercased()
    if t == "lr" || t == "logistic-regression" { return .logisticRegression }
    if t == "1nn" || t == "nearest-neighbour" { return .nearestNeighbour }
    if t.hasPrefix("mlp-"), let width = Int(t.dropFirst(4)), (1...4096).contains(width) { return .mlp(width: width) }
    throw ValidationInputError(field: field, problem: "unknown model '\(text)' (use lr, 1nn or mlp-<width 1...4096>)")
  }

  /// Trains on `train` (seeded by `seed`: MLP weights and shuffles) and predicts every row of each
  /// dataset in `queries`.
  ///
  /// - Throws: `ModelError` when training rejects the data.
  public func fitAndPredict(
    train: Dataset, queries: [Dataset], training: ClassifierTraining = ClassifierTraining(), seed: UInt64
  ) throws(ModelError) -> [[Int]] {
    switch kind {
    case .logisticRegression:
      let model = try ValidationPopulations.fitBaseModel(train)
      return queries.map { model.predict($0.matrix) }
    case .nearestNeighbour:
      let neighbours = NearestNeighbourMemorizer(
        reference: train, memorized: Array(0..<train.rowCount), radius: NearestNeighbourMemorizer.unbounded)
      return queries.map {
        neighbours.predictions(for: $0, basePredictions: Array(repeating: 0, count: $0.rowCount))
      }
    case .mlp:
      let standardizer = Standardizer(fittingEveryColumnOf: train)
      var rng = SplitMix64(seed: seed)
      var net = MLPClassifier(
        featureCount: train.featureCount, hiddenWidth: hiddenWidth ?? 64, classCount: train.classCount,
        activation: .selu, using: &rng)
      let options = MLPTrainingOptions(
        epochs: training.mlpEpochs, batchSize: training.batchSize, learningRate: training.learningRate,
        stopWhenTrainingAccuracyReaches: 1.0)
      try net.fit(
        standardizer.apply(to: train).matrix, labels: train.labels, options: options,
        using: &rng)
      return queries.map { net.predict(standardizer.apply(to: $0).matrix) }
    }
  }
}

/// Training schedule of the MLP in `ClassifierChoice` (the other families have no schedule).
public struct ClassifierTraining: Sendable, Hashable, Codable {
  /// Most epochs of Adam (training stops earlier once every training record is fit).
  public var mlpEpochs: Int
  /// Adam's step size.
  public var learningRate: Double
  /// Rows per mini-batch.
  public var batchSize: Int

  /// Creates a schedule; defaults: at most 200 epochs, step 1e-2, batches of 64.
  public init(mlpEpochs: Int = 200, learningRate: Double = 1e-2, batchSize: Int = 64) {
    self.mlpEpochs = mlpEpochs
    self.learningRate = learningRate
    self.batchSize = batchSize
  }
}
