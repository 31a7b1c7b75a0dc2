public import DenseLinearAlgebra
import SeededRandom

/// Options for ``MLPClassifier/fit(_:labels:weights:options:using:progress:)``: Adam on mini-batches.
public struct MLPTrainingOptions: Sendable, Equatable {
  /// Passes over the training set (upper bound if a stopping rule is set).
  public var epochs: Int
  /// Rows per mini-batch (the last batch of an epoch may be smaller).
  public var batchSize: Int
  /// Adam's step size `η`.
  public var learningRate: Double
  /// Adam's first-moment decay `β₁`.
  public var beta1: Double
  /// Adam's second-moment decay `β₂`.
  public var beta2: Double
  /// Adam's denominator guard `ε`.
  public var epsilon: Double
  /// Stop after the first epoch at whose end the training accuracy on ``accuracyRows`` is at
  /// least this value (for example `1.0` to train until the network interpolates a subset).
  public var stopWhenTrainingAccuracyReaches: Double?
  /// The training rows the stopping rule checks (all rows if `nil`).
  public var accuracyRows: [Int]?

  /// Creates options; defaults: 100 epochs, batches of 128, `η = 1e-3`, `β = (0.9, 0.999)`,
  /// `ε = 1e-8`, no stopping rule.
  public init(
    epochs: Int = 100, batchSize: Int = 128, learningRate: Double = 1e-3, beta1: Double = 0.9,
    beta2: Double = 0.999, epsilon: Double = 1e-8, stopWhenTrainingAccuracyReaches: Double? = nil,
    accuracyRows: [Int]? = nil
  ) {
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.stopWhenTrainingAccuracyReaches = stopWhenTrainingAccuracyReaches
    self.accuracyRows = accuracyRows
  }
}

/// What a stochastic training run did.
public struct MLPTrainingReport: Sendable, Equatable {
  /// Epochs completed.
  public var epochs: Int
  /// Adam steps taken.
  public var steps: Int
  /// The objective `J` on the whole training set at the returned parameters.
  public var loss: Double
  /// The accuracy on ``MLPTrainingOptions/accuracyRows`` (all rows if `nil`) at the end.
  public var trainingAccuracy: Double
  /// Whether the accuracy target was set and reached (the run stopped early because of it).
  public var reachedAccuracyTarget: Bool
}

extension MLPClassifier {
  /// Trains the network from its current parameters with Adam on shuffled mini-batches.
  ///
  /// Each step descends the mini-batch objective `J_B = Σ_{i∈B} w_i ℓ_i / Σ_{i∈B} w_i + (λ/2)‖θ‖²`
  /// (batches whose weights sum to zero are skipped); the L2 term enters the gradient (classic
  /// L2 regularization, not decoupled weight decay). Adam (Kingma & Ba 2015) with bias
  /// correction: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
  /// `θ ← θ − η m̂ / (√v̂ + ε)`.
  ///
  /// Deterministic: the only randomness is the per-epoch shuffle drawn from `generator` (a
  /// Fisher–Yates shuffle implemented here, so the order is fixed for a given generator state);
  /// with a fixed BLAS thread count (`setThreadCount(1)`) the result is bitwise reproducible.
  ///
  /// - Parameters:
  ///   - x: features `n x d`; labels in `0..<classCount`; optional non-negative weights.
  ///   - options: epochs, batch size, Adam hyperparameters and the optional accuracy stopping rule.
  ///   - generator: the source of the shuffles.
  ///   - progress: called after each epoch with the epoch number and the full training objective
  ///     `J` (computing it costs one forward pass; it is skipped when `progress` is nil).
  /// - Throws: ``ModelError`` for inconsistent data or options.
  @discardableResult
  public mutating func fit(
    _ x: Matrix, labels: [Int], weights: [Double]? = nil, options: MLPTrainingOptions = MLPTrainingOptions(),
    using generator: inout some RandomNumberGenerator,
    progress: (@Sendable (Int, Double) -> Void)? = nil
  ) throws(ModelError) -> MLPTrainingReport {
    try validateTrainingData(x, labels: labels, weights: weights, featureCount: featureCount, classCount: classCount)
    guard options.batchSize >= 1, options.epochs >= 0, options.learningRate > 0 else {
      throw .shapeMismatch("batchSize must be >= 1, epochs >= 0 and learningRate > 0")
    }
    let checkRows = options.accuracyRows ?? Array(0..<x.rows)
    if let bad = checkRows.first(where: { $0 < 0 || $0 >= x.rows }) {
      throw .shapeMismatch("accuracy row \(bad) is outside 0..<\(x.rows)")
    }
    let checkX = x.rows(checkRows)
    let checkLabels = checkRows.map { labels[$0] }
    let n = x.rows
    let p = parameterCount
    var theta = parameters
    var m = Array(repeating: 0.0, count: p)
    var v = Array(repeating: 0.0, count: p)
    var order = Array(0..<n)
    var steps = 0
    var epochsDone = 0
    var reached = false
    let (b1, b2, eta, eps) = (options.beta1, options.beta2, options.learningRate, options.epsilon)
    epochLoop: for epoch in 0..<options.epochs {
      if let target = options.stopWhenTrainingAccuracyReaches, epoch == 0,
        accuracy(checkX, labels: checkLabels) >= target
      {
        reached = true
        break epochLoop
      }
      order.seededShuffle(using: &generator)
      var start = 0
      while start < n {
        let batch = Array(order[start..<min(start + options.batchSize, n)])
        start += options.batchSize
        let batchWeights = batch.map { weights?[$0] ?? 1 }
        let total = batchWeights.reduce(0, +)
        guard total > 0 else { continue }
        let (_, g) = objectiveAndGradient(
          x.rows(batch), labels: batch.map { labels[$0] }, normalizedWeights: batchWeights.map { $0 / total },
          block: .all)
        steps += 1
        let correction1 = 1 - pow(b1, steps)
        let correction2 = 1 - pow(b2, steps)
        for j in 0..<p {
          m[j] = b1 * m[j] + (1 - b1) * g[j]
          v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j]
          theta[j] -= eta * (m[j] / correction1) / ((v[j] / correction2).squareRoot() + eps)
        }
        parameters = theta
      }
      epochsDone = epoch + 1
      if let progress { progress(epochsDone, loss(x, labels: labels, weights: weights)) }
      if let target = options.stopWhenTrainingAccuracyReaches, accuracy(checkX, labels: checkLabels) >= target {
        reached = true
        break epochLoop
      }
    }
    return MLPTrainingReport(
      epochs: epochsDone, steps: steps, loss: loss(x, labels: labels, weights: weights),
      trainingAccuracy: accuracy(checkX, labels: checkLabels), reachedAccuracyTarget: reached)
  }
}

/// `base^exponent` for a non-negative integer exponent, by repeated squaring (exact sequence of
/// multiplications, so results are reproducible across libm versions).
func pow(_ base: Double, _ exponent: Int) -> Double {
  var result = 1.0
  var b = base
  var e = exponent
  while e > 0 {
    if e & 1 == 1 { result *= b }
    b *= b
    e >>= 1
  }
  return result
}
