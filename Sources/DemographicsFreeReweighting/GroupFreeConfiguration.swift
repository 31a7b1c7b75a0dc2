public import FairnessModels

/// The learner a group-free method trains.
public enum GroupFreeLearnerKind: String, Sendable, Hashable, Codable, CaseIterable {
  /// Binary logistic regression `p(1|x) = σ(wᵀx + b)`; its last layer is the whole model (`h = x`).
  case lr
  /// One hidden layer (``FairnessModels/MLPClassifier``) with a two-logit softmax head; `h` is the
  /// hidden representation.
  case mlp
}

/// Every hyperparameter of a group-free training run. The defaults are those of the seed-003
/// authors' code (seed-algorithms.md §4.2-4.3) where it fixes them; the rest are documented
/// choices (Docs/fairness-without-demographics.md).
public struct GroupFreeConfiguration: Sendable, Hashable, Codable {
  /// The learner.
  public var learner: GroupFreeLearnerKind = .mlp
  /// Hidden units of the MLP learner.
  public var hiddenWidth: Int = 64
  /// The MLP's hidden activation: ReLU (the authors'), or SeLU as the MLP of `fairmem compare`.
  public var hiddenActivation: Activation = .relu
  /// `K`, the neighbours of every node in the per-batch kNN graph (self excluded).
  public var neighbours: Int = 3
  /// Rows per mini-batch `B`; the last incomplete batch of an epoch is dropped (as the authors).
  public var batchSize: Int = 64
  /// Adam step size of the learner.
  public var learnerLearningRate: Double = 3e-3
  /// Adam step size of the adversary (GoG, the feature-graph ablation and ARL).
  public var adversaryLearningRate: Double = 3e-3
  /// Width of the adversary's linear encoder (GoG, feature graph).
  public var encoderWidth: Int = 16
  /// Whether the adversary's encoder also sees the label `y` (as ARL does); the authors' encoder
  /// sees the inputs only.
  public var encoderSeesLabel: Bool = false
  /// The negative slope of the LeakyReLU in `r = LeakyReLU(o) + 1`.
  public var leakySlope: Double = 0.01
  /// The learner's gradient-norm clip (`nil`: none); the authors clip at 1.
  public var learnerClipNorm: Double? = 1
  /// The adversary's gradient-norm clip (`nil`: none, as the authors).
  public var adversaryClipNorm: Double? = nil
  /// `α` of CVaR DRO: the fraction of each batch whose losses are averaged.
  public var cvarAlpha: Double = 0.2
  /// The largest number of epochs.
  public var maximumEpochs: Int = 300
  /// Stop after this many epochs without a better validation worst-group accuracy.
  public var patience: Int = 20
  /// The seed of the initializations and the shuffles (the split seed is separate).
  public var trainingSeed: UInt64 = 0

  /// The defaults.
  public init() {}

  /// Checks every option on its own and against a training split of `trainingRows` rows.
  ///
  /// - Throws: ``GroupFreeError`` naming the option (`--neighbours` when `K < 1` or `K >= B`,
  ///   `--batch-size` when `B` exceeds the training rows, ...).
  public func validate(trainingRows: Int) throws(GroupFreeError) {
    func require(_ condition: Bool, _ option: String, _ problem: String) throws(GroupFreeError) {
      if !condition { throw GroupFreeError(option: option, problem: problem) }
    }
    try require(batchSize >= 2, "--batch-size", "must be at least 2, got \(batchSize)")
    try require(
      batchSize <= trainingRows, "--batch-size",
      "\(batchSize) is larger than the training split (\(trainingRows) rows)")
    try require(neighbours >= 1, "--neighbours", "must be at least 1, got \(neighbours)")
    try require(
      neighbours < batchSize, "--neighbours", "K = \(neighbours) must be below the batch size \(batchSize)")
    try require(hiddenWidth >= 1, "--hidden", "must be at least 1, got \(hiddenWidth)")
    try require(encoderWidth >= 1, "--encoder-width", "must be at least 1, got \(encoderWidth)")
    for (value, option) in [
      (learnerLearningRate, "--learning-rate"), (adversaryLearningRate, "--adversary-learning-rate"),
    ] {
      try require(value > 0 && value.isFinite, option, "must be positive and finite, got \(value)")
    }
    try require(leakySlope >= 0 && leakySlope < 1, "--leaky-slope", "must be in [0, 1), got \(leakySlope)")
    for (value, option) in [(learnerClipNorm, "--clip-norm"), (adversaryClipNorm, "--adversary-clip-norm")] {
      if let value { try require(value > 0 && value.isFinite, option, "must be positive, got \(value)") }
    }
    try require(cvarAlpha > 0 && cvarAlpha <= 1, "--cvar-alpha", "must be in (0, 1], got \(cvarAlpha)")
    try require(maximumEpochs >= 1, "--epochs", "must be at least 1, got \(maximumEpochs)")
    try require(patience >= 1, "--patience", "must be at least 1, got \(patience)")
  }
}
